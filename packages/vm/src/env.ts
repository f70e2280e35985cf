/**
 * The Env and MessageInfo arguments contracts receive, in Secret Network's exact shapes and field
 * order (spec/secret-compute.md §4.5; CosmWasm's in spec/cosmwasm-abi.md §4.4):
 *   - 1.x: env `{"block":{"height","time":"<ns>","chain_id","random"?},"contract":{"address","code_hash"},
 *     "transaction":{"index","hash"}|null}`, info `{"sender","funds":[{"denom","amount"}]}`;
 *   - 0.10: env `{"block":{"height","time":<seconds>,"chain_id"},"message":{"sender","sent_funds"},
 *     "contract":{"address"},"contract_key":null,"contract_code_hash","transaction":null}`.
 * u64 values (height, time) are written exactly, never through a float.
 */
import { stringifyJson, type JsonValue } from './json.js';

export interface Coin {
  denom: string;
  /** Decimal string (Uint128). */
  amount: string;
}

export interface BlockInfo {
  height: bigint;
  /** Nanoseconds since the Unix epoch. */
  timeNanos: bigint;
  chainId: string;
  /** `env.block.random` (32 bytes), given only to contracts that require randomness. */
  random?: Uint8Array;
}

export interface CallEnv {
  block: BlockInfo;
  contract: { address: string; codeHash: string };
  transaction: { index: number; hash: string } | null;
}

const enc = new TextEncoder();

function u64(v: bigint, what: string): bigint {
  if (typeof v !== 'bigint' || v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`${what} must be a u64 bigint, got ${String(v)}`);
  return v;
}

function coins(funds: readonly Coin[]): JsonValue {
  return funds.map((c) => {
    if (!/^[0-9]+$/.test(c.amount)) throw new RangeError(`coin amount "${c.amount}" is not a decimal integer`);
    return { denom: c.denom, amount: c.amount };
  });
}

/** 1.x env JSON. */
export function envJsonV1(env: CallEnv): Uint8Array {
  const block: { [k: string]: JsonValue } = {
    height: u64(env.block.height, 'block height'),
    time: u64(env.block.timeNanos, 'block time').toString(),
    chain_id: env.block.chainId,
  };
  if (env.block.random !== undefined) block.random = Buffer.from(env.block.random).toString('base64');
  return enc.encode(stringifyJson({
    block,
    contract: { address: env.contract.address, code_hash: env.contract.codeHash },
    transaction: env.transaction === null ? null : { index: env.transaction.index, hash: env.transaction.hash },
  }));
}

/** 1.x MessageInfo JSON. */
export function infoJsonV1(sender: string, funds: readonly Coin[]): Uint8Array {
  return enc.encode(stringifyJson({ sender, funds: coins(funds) }));
}

/** 0.10 env JSON (the message's sender and funds live inside it; block time in whole seconds). */
export function envJsonV010(env: CallEnv, sender: string, funds: readonly Coin[]): Uint8Array {
  return enc.encode(stringifyJson({
    block: {
      height: u64(env.block.height, 'block height'),
      time: u64(env.block.timeNanos, 'block time') / 1_000_000_000n,
      chain_id: env.block.chainId,
    },
    message: { sender, sent_funds: coins(funds) },
    contract: { address: env.contract.address },
    contract_key: null,
    contract_code_hash: env.contract.codeHash,
    transaction: null,
  }));
}

/**
 * 0.11–0.13 env (`cosmwasm_vm_version_4`): block time in whole seconds plus `time_nanos`, the
 * sub-second part; no transaction. (0.14–0.16 contracts get the 1.x env: the fields they know are the
 * same and serde ignores the rest.)
 */
export function envJsonV011(env: CallEnv): Uint8Array {
  const t = u64(env.block.timeNanos, 'block time');
  return enc.encode(stringifyJson({
    block: { height: u64(env.block.height, 'block height'), time: t / 1_000_000_000n, time_nanos: t % 1_000_000_000n, chain_id: env.block.chainId },
    contract: { address: env.contract.address },
  }));
}

/** 0.11–0.13 MessageInfo: funds are `sent_funds`. */
export function infoJsonV011(sender: string, funds: readonly Coin[]): Uint8Array {
  return enc.encode(stringifyJson({ sender, sent_funds: coins(funds) }));
}

/**
 * 0.8/0.9 env: the 0.10 shape, but the sender and the contract address are canonical addresses
 * (base64 of their bytes; spec/cosmwasm-abi.md §3.5). `canonical` turns a bech32 address into bytes.
 */
export function envJsonV09(env: CallEnv, sender: string, funds: readonly Coin[], canonical: (human: string) => Uint8Array): Uint8Array {
  const b64 = (a: string) => (a === '' ? '' : Buffer.from(canonical(a)).toString('base64'));
  return enc.encode(stringifyJson({
    block: {
      height: u64(env.block.height, 'block height'),
      time: u64(env.block.timeNanos, 'block time') / 1_000_000_000n,
      chain_id: env.block.chainId,
    },
    message: { sender: b64(sender), sent_funds: coins(funds) },
    contract: { address: b64(env.contract.address) },
  }));
}
