/**
 * The enclave's end of the process transport: frames on two pipes (fd 3 host → enclave, fd 4 enclave
 * → host), read with blocking `readSync`, so that an ocall made deep inside a contract's `db_read`
 * simply waits for its answer (Secret's ocalls are synchronous too).
 *
 * While it waits, a frame may arrive that is not the answer but a nested ecall: the host serving a
 * `query_chain` by querying another contract in this same enclave (Secret allows `ecall_query` inside
 * `ocall_query_chain` for this). It is dispatched at once, its result sent, and the wait goes on.
 */
import { readSync, writeSync } from 'node:fs';
import { LIMITS, ProtocolError, Type, decodeHost, encodeEnclave, frame, type EnclaveMessage, type HostMessage } from '@cloak/protocol';
import { HostMisbehaved, type Enclave, type OcallPort } from './dispatcher.js';

export class PipePort implements OcallPort {
  private readonly header = new Uint8Array(4);

  constructor(private readonly enclave: Enclave, private readonly inFd = 3, private readonly outFd = 4) {}

  /** Reads exactly `buf.length` bytes; false at end of input (the host closed the pipe). */
  private readExact(buf: Uint8Array): boolean {
    let got = 0;
    while (got < buf.length) {
      let n: number;
      try {
        n = readSync(this.inFd, buf, got, buf.length - got, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        throw e;
      }
      if (n === 0) {
        if (got === 0) return false;
        throw new ProtocolError(`the host closed the pipe in the middle of a frame (${got} of ${buf.length} bytes)`);
      }
      got += n;
    }
    return true;
  }

  /** The next frame's body, or undefined at end of input. Oversized frames are refused before reading them. */
  readFrame(): Uint8Array | undefined {
    if (!this.readExact(this.header)) return undefined;
    const n = new DataView(this.header.buffer).getUint32(0, true);
    if (n > LIMITS.frame) throw new ProtocolError(`a frame of ${n} bytes exceeds the limit of ${LIMITS.frame}`);
    const body = new Uint8Array(n);
    if (!this.readExact(body)) throw new ProtocolError('the host closed the pipe before a frame body');
    return body;
  }

  write(m: EnclaveMessage): void {
    const f = frame(encodeEnclave(m));
    let off = 0;
    while (off < f.length) {
      try {
        off += writeSync(this.outFd, f, off, f.length - off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        throw e;
      }
    }
  }

  send(m: EnclaveMessage): void {
    this.write(m);
  }

  ocall(m: EnclaveMessage): HostMessage {
    this.write(m);
    for (;;) {
      let a: HostMessage;
      try {
        const body = this.readFrame();
        if (body === undefined) throw new ProtocolError('the host closed the pipe while an ocall was waiting');
        a = decodeHost(body);
      } catch (e) {
        // An answer that does not decode is the host's fault, not the contract's.
        if (e instanceof ProtocolError) throw new HostMisbehaved(e.message);
        throw e;
      }
      if (a.type === Type.EcallQuery) {
        // A nested query (the host serving query_chain, or any ocall: the query depth and the stack
        // limit bound the nesting): run it now, then keep waiting.
        try {
          this.write(this.enclave.dispatch(a, this));
        } catch (e) {
          this.write({ type: Type.EnclaveError, id: a.id, message: `enclave failure: the answer could not be sent (${e instanceof Error ? e.message.slice(0, 200) : 'unknown'})` });
        }
        continue;
      }
      return a;
    }
  }
}
