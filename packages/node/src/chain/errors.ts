/**
 * How a transaction fails: a `TxFailure` carries the (codespace, code) pair a Cosmos client reads
 * from `tx_response` and the log text. The codes are the SDK's own (`sdk`, types/errors) and
 * Secret's compute module's (`compute`, x/compute/internal/types/errors.go); clients and scripts
 * written for Secret Network compare them, so they are kept exactly.
 */

export class TxFailure extends Error {
  override readonly name = 'TxFailure';
  constructor(readonly codespace: string, readonly code: number, message: string) {
    super(message);
  }
}

/** A fault of cloak itself while handling a tx: the tx fails with it (code 1), not the node. */
export function internalFailure(e: unknown): TxFailure {
  return new TxFailure('sdk', 1, `internal error: ${e instanceof Error ? e.message : String(e)}`);
}

const sdk = (code: number) => (message: string) => new TxFailure('sdk', code, message);
const compute = (code: number) => (message: string) => new TxFailure('compute', code, message);

/** The SDK's registered errors cloak raises (code numbers from cosmos-sdk types/errors). */
export const SdkError = {
  txDecode: sdk(2),
  unauthorized: sdk(4),
  insufficientFunds: sdk(5),
  unknownRequest: sdk(6),
  invalidAddress: sdk(7),
  invalidPubKey: sdk(8),
  unknownAddress: sdk(9),
  invalidCoins: sdk(10),
  outOfGas: sdk(11),
  memoTooLarge: sdk(12),
  insufficientFee: sdk(13),
  invalidRequest: sdk(18),
  txInMempoolCache: sdk(19),
  txTooLarge: sdk(21),
  mempoolIsFull: sdk(20),
  txTimeoutHeight: sdk(30),
  wrongSequence: sdk(32),
};

/** Secret's compute module errors. Codes 2–5 are the ones whose text may carry `encrypted: …`. */
export const ComputeError = {
  instantiateFailed: compute(2),
  executeFailed: compute(3),
  queryFailed: compute(4),
  migrateFailed: compute(5),
  accountExists: compute(6),
  gasLimit: compute(7),
  notFound: compute(9),
  invalidMsg: compute(10),
  empty: compute(11),
  limit: compute(12),
  invalid: compute(13),
  duplicate: compute(14),
  createFailed: compute(15),
  unsupported: compute(17),
  unknownMsg: compute(18),
  replyFailed: compute(19),
  invalidEvent: compute(21),
};
