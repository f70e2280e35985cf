/**
 * A small pool of enclave processes for queries, so that a slow query never delays block execution
 * (which has its own process): each query goes to an idle process; when all are busy it waits in a
 * bounded queue, and beyond that it is refused at once with EnclaveBusy (a clear "busy" error rather
 * than unbounded latency). Processes start on first use and restart after a failure, as EnclaveProcess does.
 */
import { EnclaveProcess, type EcallRequest, type EnclaveProcessOptions, type OcallHandlers } from './host.js';
import type { EnclaveMessage } from './messages.js';

export class EnclaveBusy extends Error {
  override readonly name = 'EnclaveBusy';
}

export interface EnclavePoolOptions extends EnclaveProcessOptions {
  /** Processes (default 2). */
  size?: number;
  /** Queries waiting for a process before new ones are refused (default 64). */
  maxQueue?: number;
}

export class EnclavePool {
  private readonly procs: { p: EnclaveProcess; busy: boolean }[];
  /** Queries waiting for a process: a finishing query hands its process straight to the first. */
  private readonly waiting: ((slot: { p: EnclaveProcess; busy: boolean }) => void)[] = [];
  private readonly maxQueue: number;

  constructor(options: EnclavePoolOptions) {
    const size = options.size ?? 2;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size ${size}`);
    this.maxQueue = options.maxQueue ?? 64;
    this.procs = Array.from({ length: size }, () => ({ p: new EnclaveProcess(options), busy: false }));
  }

  /** Every process of the pool (for status displays; code need not be staged in each: they load it). */
  get processes(): EnclaveProcess[] {
    return this.procs.map((x) => x.p);
  }

  async ecall(e: EcallRequest, handlers: OcallHandlers, onProcess?: (p: EnclaveProcess) => Promise<void>): Promise<EnclaveMessage> {
    let slot = this.procs.find((x) => !x.busy);
    if (slot === undefined) {
      if (this.waiting.length >= this.maxQueue) throw new EnclaveBusy(`all ${this.procs.length} query enclaves are busy and ${this.waiting.length} queries wait: try again later`);
      slot = await new Promise<{ p: EnclaveProcess; busy: boolean }>((resolve) => this.waiting.push(resolve));
    }
    slot.busy = true;
    try {
      if (onProcess) await onProcess(slot.p);
      return await slot.p.ecall(e, handlers);
    } finally {
      const next = this.waiting.shift();
      if (next !== undefined) next(slot);
      else slot.busy = false;
    }
  }

  close(): void {
    for (const x of this.procs) x.p.close();
  }
}
