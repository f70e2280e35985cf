/**
 * @cloak/client: what a client of cloak (and the node, for the same encodings) needs: keys and
 * `secret1…` addresses, the bank and Secret compute messages, building, signing, decoding and
 * hashing transactions, and their JSON as the REST gateway shows it (spec/secretjs-surface.md §2.1,
 * §2.10–2.11, §3.1–3.7, §4; IO encryption: secret-compute.md §2.4–2.5). Depends on noble, scure and cosmjs-types only.
 */
export {
  ADDRESS_PREFIX, ADDRESS_BYTES, PRIVATE_KEY_BYTES, PUBKEY_BYTES, SIGNATURE_BYTES, COIN_TYPE, MAX_COIN_AMOUNT, MAX_UINT64,
} from './limits.js';
export { DecodeError } from './wire.js';
export { AddressError, toBech32, fromBech32, isAddress, canonicalAddress, addressFromPubkey } from './address.js';
export { Key, MnemonicError, generateMnemonic, hdPath, verifySignature } from './keys.js';
export type { Coin } from './coins.js';
export { MsgSend, MsgSendResponse } from './bank.js';
export {
  MsgStoreCode, MsgInstantiateContract, MsgExecuteContract, MsgMigrateContract, MsgUpdateAdmin, MsgClearAdmin,
  MsgStoreCodeResponse, MsgInstantiateContractResponse, MsgExecuteContractResponse, MsgMigrateContractResponse,
  MsgUpdateAdminResponse, MsgClearAdminResponse, type Codec,
} from './compute.js';
export { MSG_TYPE_URLS, encodeMsg, decodeMsg, msgSigners, msgJson, type Any, type Msg, type Json } from './msgs.js';
export {
  PUBKEY_TYPE_URL, SIGN_MODE_DIRECT, SIGN_MODE_LEGACY_AMINO_JSON, TxDecodeError, buildTx, encodeTxBody, encodeAuthInfo,
  encodeTxRaw, signDocBytes, decodeTx, txHash, txJson, type BuildTxOptions, type DecodedTx, type Fee,
} from './tx.js';
export { encodeTxMsgData, decodeTxMsgData, txMsgDataHex, txMsgDataFromHex, msgResponseJson } from './responses.js';
export {
  IO_KEY_BYTES, IO_NONCE_BYTES, SIV_TAG_BYTES, CODE_HASH_HEX_CHARS, EncryptionError, IoEncryption, parseSecretMessage,
  decryptAsChain, type SecretMessage, type OpenedSecretMessage,
} from './encryption.js';
