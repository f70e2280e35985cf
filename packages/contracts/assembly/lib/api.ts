// Address conversion through the host (spec/cosmwasm-abi.md §2.4 variant B, §3.3, §4.3): the contract
// passes a destination Region; the host fills it and returns 0, or returns a Region holding an error
// message. Destination sizes follow std: 0.10 uses 32 (canonical) / 90 (human), 1.x 64 / 90 (§2.6).

import { Bytes } from "./bytes";
import { addr_canonicalize, addr_humanize, addr_validate, canonicalize_address, humanize_address, query_chain } from "./imports";
import { outputRegion, readRegion, regionOf } from "./region";

/** Either the converted bytes (ok) or the host's error message. */
export class AddrResult {
  constructor(public ok: bool, public value: Bytes) {}
}

function finish(err: usize, dest: usize): AddrResult {
  if (err != 0) return new AddrResult(false, readRegion(err));
  return new AddrResult(true, readRegion(dest));
}

/** 1.x addr_canonicalize. */
export function addrCanonicalize(human: Bytes): AddrResult {
  const dest = outputRegion(64);
  return finish(addr_canonicalize(regionOf(human), dest), dest);
}

/** 1.x addr_humanize. */
export function addrHumanize(canonical: Bytes): AddrResult {
  const dest = outputRegion(90);
  return finish(addr_humanize(regionOf(canonical), dest), dest);
}

/** 1.x addr_validate: null if valid, else the error message. */
export function addrValidate(human: Bytes): Bytes | null {
  const err = addr_validate(regionOf(human));
  return err == 0 ? null : readRegion(err);
}

/** 0.10 canonicalize_address. */
export function canonicalizeAddress(human: Bytes): AddrResult {
  const dest = outputRegion(32);
  return finish(canonicalize_address(regionOf(human), dest), dest);
}

/** 0.10 humanize_address. */
export function humanizeAddress(canonical: Bytes): AddrResult {
  const dest = outputRegion(90);
  return finish(humanize_address(regionOf(canonical), dest), dest);
}

/** query_chain (both generations): the raw JSON response (§3.6 for 0.10, §4.6 for 1.x). */
export function queryChain(request: Bytes): Bytes {
  return readRegion(query_chain(regionOf(request)));
}
