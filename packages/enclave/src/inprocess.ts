/**
 * The in-process transport: the same `ecall(request, handlers)` as the host's EnclaveProcess, with
 * the Enclave in this process and ocalls answered by direct calls, for unit tests and tools that do
 * not need isolation. Messages still go through the codec both ways (encode, then decode), so what
 * crosses is exactly what would cross the pipes, limits included. Code the enclave lacks is loaded
 * through the handlers' `loadCode`, as over the pipes.
 *
 * Ocalls are synchronous inside the enclave, so a `queryChain` handler must answer at once here (a
 * promise is refused); nested queries into the same enclave therefore need the process transport.
 */
import {
  Type, decodeEnclave, decodeHost, encodeEnclave, encodeHost,
  type EcallRequest, type EnclaveMessage, type HostMessage, type Logger, type OcallHandlers,
} from '@cloak/protocol';
import { EnclaveError } from '@cloak/protocol';
import { Enclave, HostMisbehaved, type EnclaveOptions, type OcallPort } from './dispatcher.js';

export class InProcessEnclave {
  private readonly enclave: Enclave;
  private nextId = 1;
  /** Handlers of the ecalls in progress, innermost last. */
  private readonly active = new Map<number, OcallHandlers>();

  constructor(options: EnclaveOptions & { log?: Logger } = {}) {
    this.enclave = new Enclave(options);
    this.log = options.log;
  }

  private readonly log: Logger | undefined;

  private port(): OcallPort {
    const self = this;
    const cross = <T extends HostMessage>(m: T): HostMessage => decodeHost(encodeHost(m));
    return {
      send(m: EnclaveMessage): void {
        const d = decodeEnclave(encodeEnclave(m));
        if (d.type === Type.Log) self.log?.(d.level, d.event, d.message);
      },
      ocall(raw: EnclaveMessage): HostMessage {
        const m = decodeEnclave(encodeEnclave(raw));
        if (m.type === Type.Log || m.type === Type.EcallResult || m.type === Type.AllocateResult || m.type === Type.EnclaveError) throw new Error(`${Type[m.type]} is not an ocall`);
        const h = self.active.get(m.id);
        if (h === undefined) throw new HostMisbehaved(`no ecall ${m.id} is in progress`);
        try {
          switch (m.type) {
            case Type.OcallReadDb: {
              const value = h.readDb(m.key);
              return cross(value === undefined ? { type: Type.ReadDbResult, id: m.id } : { type: Type.ReadDbResult, id: m.id, value });
            }
            case Type.OcallRange:
              return cross({ type: Type.RangeResult, id: m.id, records: h.range(m.start, m.end, m.descending, m.limit) });
            case Type.OcallLoadCode: {
              const code = h.loadCode(m.codeHash);
              return cross(code === undefined ? { type: Type.LoadCodeResult, id: m.id } : { type: Type.LoadCodeResult, id: m.id, code });
            }
            case Type.OcallQueryChain: {
              const a = h.queryChain(m.request, m.depth, m.gasLimit, () => Promise.reject(new Error('nested ecalls need the process transport')));
              if (a instanceof Promise) throw new Error('the in-process transport needs a queryChain handler that answers at once');
              return cross({ type: Type.QueryChainResult, id: m.id, result: a.result, gasUsed: a.gasUsed });
            }
          }
        } catch (e) {
          if (e instanceof HostMisbehaved) throw e;
          return cross({ type: Type.OcallFailed, id: m.id, message: e instanceof Error ? e.message : String(e) });
        }
      },
    };
  }

  /** Runs one ecall; resolves with the enclave's answer, rejects with EnclaveError when it refuses the call. */
  async ecall(e: EcallRequest, handlers: OcallHandlers): Promise<EnclaveMessage> {
    const id = this.nextId++;
    const m = decodeHost(encodeHost({ ...e, id } as HostMessage));
    this.active.set(id, handlers);
    try {
      const answer = decodeEnclave(encodeEnclave(this.enclave.dispatch(m, this.port())));
      if (answer.type === Type.EnclaveError) throw new EnclaveError(answer.message);
      return answer;
    } finally {
      this.active.delete(id);
    }
  }

  close(): void {}
}
