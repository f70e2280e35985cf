// A hostile host against the real enclave process, over its real pipes: this test speaks the frames
// itself (no EnclaveProcess) and answers the first read ocall of each of 2,000 transfers with garbage
// (random bodies, the wrong message type, another ecall's id, truncated fields, ocall_failed). Each
// such call must end in an enclave_error (or, if the garbage happens to be a well-formed answer, in a
// result), and the process must stay up: the same process then runs an honest transfer. Then the
// same for ocall_load_code: queries on code the host has but never staged, whose load is answered
// with garbage (other code, no code, bytes, truncated answers…); an honest load then works.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { Readable, Writable } from 'node:stream';
import { bech32 } from '@scure/base';
import { LIMITS, Type, Writer, decodeEnclave, encodeHost, frame, type EnclaveMessage, type Env, type HostMessage } from '@cloak/protocol';
import { MemoryStorage } from '@cloak/vm';
import { enclaveCommand } from '@cloak/enclave/launch';

const TOKEN = new Uint8Array(readFileSync(new URL('../../../contracts/build/token-v1.wasm', import.meta.url)));
const SINK = new Uint8Array(readFileSync(new URL('../../../contracts/build/kitchen-sink-v1.wasm', import.meta.url)));
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
/** The host's code store, by code hash. */
const UPLOADS = new Map([TOKEN, SINK].map((w) => [createHash('sha256').update(w).digest('hex'), w]));
const addr = (n: number) => bech32.encode('secret', bech32.toWords(new Uint8Array(20).fill(n)));
const enc = new TextEncoder();
const ENV: Env = { height: 1n, timeNanos: 1n, chainId: 'secretdev-1', contract: addr(9) };

/** A small seeded PRNG (xorshift32), so that a failure can be replayed. */
function prng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

class RawHost {
  private buf = Buffer.alloc(0);
  private waiters: ((m: EnclaveMessage) => void)[] = [];
  private queue: EnclaveMessage[] = [];
  readonly child = spawn(enclaveCommand().command, enclaveCommand().args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  private readonly to = this.child.stdio[3] as Writable;

  constructor() {
    (this.child.stdio[4] as Readable).on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readUInt32LE(0)) {
        const n = this.buf.readUInt32LE(0);
        const m = decodeEnclave(new Uint8Array(this.buf.subarray(4, 4 + n)));
        this.buf = this.buf.subarray(4 + n);
        const w = this.waiters.shift();
        if (w) w(m);
        else this.queue.push(m);
      }
    });
  }

  next(): Promise<EnclaveMessage> {
    const m = this.queue.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the enclave did not answer in 10 s')), 10_000);
      this.waiters.push((x) => {
        clearTimeout(t);
        resolve(x);
      });
    });
  }

  send(m: HostMessage): void {
    this.to.write(frame(encodeHost(m)));
  }

  sendRaw(body: Uint8Array): void {
    this.to.write(frame(body));
  }

  /** Serves honest ocalls (reads and code loads) until the answer to ecall `id`; `first` may answer the first ocall instead. */
  async serve(id: number, storage: MemoryStorage, first?: (m: EnclaveMessage) => boolean): Promise<EnclaveMessage> {
    let garbled = false;
    for (;;) {
      const m = await this.next();
      if (m.type === Type.Log) continue;
      if ((m.type === Type.EcallResult || m.type === Type.EnclaveError || m.type === Type.AllocateResult) && m.id === id) return m;
      if (m.type === Type.EcallResult || m.type === Type.EnclaveError) continue; // a garbled nested query's answer
      if (m.type !== Type.OcallReadDb && m.type !== Type.OcallLoadCode) throw new Error(`unexpected ${Type[m.type]}`);
      if (!garbled && first && first(m)) {
        garbled = true;
        continue;
      }
      if (m.type === Type.OcallReadDb) {
        const v = storage.get(m.key);
        this.send(v === undefined ? { type: Type.ReadDbResult, id: m.id } : { type: Type.ReadDbResult, id: m.id, value: v });
      } else {
        const code = UPLOADS.get(hex(m.codeHash));
        this.send(code === undefined ? { type: Type.LoadCodeResult, id: m.id } : { type: Type.LoadCodeResult, id: m.id, code });
      }
    }
  }
}

test('thousands of garbled ocall answers over the real pipes: each call fails cleanly, the process stays up', async () => {
  const host = new RawHost();
  const pid = host.child.pid;
  try {
    const storage = new MemoryStorage();
    host.send({ type: Type.EcallAllocate, id: 1, code: TOKEN });
    const staged = await host.serve(1, storage);
    assert.equal(staged.type, Type.AllocateResult);
    const codeHash = (staged as { codeHash: Uint8Array }).codeHash;
    const apply = (m: EnclaveMessage) => {
      if (m.type === Type.EcallResult && m.outcome.kind === 'ok') for (const [k, v] of m.outcome.writes) (v === null ? storage.remove(k) : storage.set(k, v));
    };
    host.send({ type: Type.EcallInit, id: 2, codeHash, env: ENV, sender: addr(1), funds: [], msg: enc.encode(`{"name":"Cloak Token","symbol":"CLK","decimals":6,"initial_balances":[{"address":"${addr(1)}","amount":"1000000"}]}`), gasLimit: 100_000_000n });
    apply(await host.serve(2, storage));
    const transfer = (id: number): HostMessage => ({ type: Type.EcallHandle, id, handle: 'execute', codeHash, env: ENV, sender: addr(1), funds: [], msg: enc.encode(`{"transfer":{"recipient":"${addr(2)}","amount":"1"}}`), gasLimit: 100_000_000n });
    const rand = prng(20261124);
    const garbage = (id: number): Uint8Array => {
      const kind = Math.floor(rand() * 6);
      const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
      switch (kind) {
        case 0: return bytes(Math.floor(rand() * 64)); // anything
        case 1: return encodeHost({ type: Type.ReadDbResult, id: id + 1 + Math.floor(rand() * 1000) }); // another ecall's id
        case 2: return encodeHost({ type: Type.RangeResult, id, records: [] }); // the wrong answer type
        case 3: return encodeHost({ type: Type.OcallFailed, id, message: 'disk on fire' });
        case 4: { // a read answer cut short
          const good = encodeHost({ type: Type.ReadDbResult, id, value: bytes(20) });
          return good.subarray(0, 1 + Math.floor(rand() * (good.length - 1)));
        }
        default: return new Writer().u8(Type.ReadDbResult).u32(id).u8(2).finish(); // a boolean that is not one
      }
    };
    const counts = { enclave_error: 0, result: 0 };
    const rounds = 2000;
    for (let i = 0; i < rounds; i++) {
      const id = 100 + i;
      host.send(transfer(id));
      const answer = await host.serve(id, storage, (m) => {
        host.sendRaw(garbage((m as { id: number }).id));
        return true;
      });
      if (answer.type === Type.EnclaveError) {
        counts.enclave_error++;
        assert.match(answer.message, /^host misbehaved: /, answer.message);
        assert.doesNotMatch(answer.message, /secret1|transfer|Cloak/, 'no message content in errors');
      } else {
        counts.result++;
        apply(answer);
      }
    }
    assert.ok(counts.enclave_error > rounds * 0.8, JSON.stringify(counts));
    // The same process, still up, runs an honest transfer.
    host.send(transfer(9999));
    const honest = await host.serve(9999, storage);
    assert.equal(honest.type, Type.EcallResult);
    assert.equal((honest as { outcome: { kind: string } }).outcome.kind, 'ok');
    assert.equal(host.child.exitCode, null);
    assert.equal(host.child.pid, pid);
  } finally {
    host.child.kill('SIGKILL');
  }
});

test('garbled ocall_load_code answers over the real pipes: each query fails cleanly, nothing wrong is kept, an honest load then works', async () => {
  const host = new RawHost();
  const pid = host.child.pid;
  try {
    const storage = new MemoryStorage();
    // The kitchen sink is on the host, never staged: every query below makes the enclave load it.
    const codeHash = Buffer.from([...UPLOADS.keys()][1], 'hex');
    const query = (id: number): HostMessage => ({ type: Type.EcallQuery, id, codeHash, env: ENV, msg: enc.encode('{"read":{"key":"k"}}'), gasLimit: 100_000_000n, depth: 1 });
    const rand = prng(20261125);
    const bytes = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(rand() * 256));
    const gzToken = gzipSync(TOKEN);
    const garbage = (id: number): Uint8Array => {
      switch (Math.floor(rand() * 9)) {
        case 0: return bytes(Math.floor(rand() * 64)); // anything
        case 1: return encodeHost({ type: Type.LoadCodeResult, id: id + 1 + Math.floor(rand() * 1000), code: SINK }); // another ecall's id
        case 2: return encodeHost({ type: Type.ReadDbResult, id, value: SINK.subarray(0, 32) }); // the wrong answer type
        case 3: return encodeHost({ type: Type.OcallFailed, id, message: 'code store on fire' });
        case 4: return encodeHost({ type: Type.LoadCodeResult, id }); // no code
        case 5: return encodeHost({ type: Type.LoadCodeResult, id, code: rand() < 0.5 ? TOKEN : gzToken }); // other code
        case 6: return encodeHost({ type: Type.LoadCodeResult, id, code: bytes(Math.floor(rand() * 200)) }); // bytes
        case 7: { // the right answer cut short
          const good = encodeHost({ type: Type.LoadCodeResult, id, code: SINK });
          return good.subarray(0, 1 + Math.floor(rand() * (good.length - 1)));
        }
        default: // a length over the limit, the bytes never sent
          return new Writer().u8(Type.LoadCodeResult).u32(id).bool(true).u32(LIMITS.code + 1 + Math.floor(rand() * 1000)).finish();
      }
    };
    const counts = { enclave_error: 0, result: 0 };
    const rounds = 600;
    for (let i = 0; i < rounds; i++) {
      const id = 100 + i;
      host.send(query(id));
      const answer = await host.serve(id, storage, (m) => {
        assert.equal(m.type, Type.OcallLoadCode, 'nothing was kept: the code is asked for again');
        host.sendRaw(garbage((m as { id: number }).id));
        return true;
      });
      assert.equal(answer.type, Type.EnclaveError, JSON.stringify(answer, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
      counts[answer.type === Type.EnclaveError ? 'enclave_error' : 'result']++;
      assert.match((answer as { message: string }).message, /^host misbehaved: /);
    }
    assert.equal(counts.enclave_error, rounds, JSON.stringify(counts));
    // The same process, still up, loads the code honestly, once, and runs the query.
    const loads: EnclaveMessage[] = [];
    for (const id of [9998, 9999]) {
      host.send(query(id));
      const honest = await host.serve(id, storage, (m) => (loads.push(m), false));
      assert.equal(honest.type, Type.EcallResult, JSON.stringify(honest, (_, v) => (typeof v === 'bigint' ? String(v) : v)));
      assert.equal((honest as { outcome: { kind: string } }).outcome.kind, 'ok');
    }
    assert.deepEqual(loads.map((m) => Type[m.type]), ['OcallLoadCode', 'OcallReadDb', 'OcallReadDb']);
    assert.equal(host.child.exitCode, null);
    assert.equal(host.child.pid, pid);
  } finally {
    host.child.kill('SIGKILL');
  }
});
