// Contract storage through the host's db_read/db_write/db_remove imports (spec/cosmwasm-abi.md §3.3,
// §4.3). Keys and values are raw bytes; db_read returns a host-allocated Region the contract owns.

import { Bytes } from "./bytes";
import { db_read, db_write, db_remove } from "./imports";
import { readRegion, regionOf } from "./region";

/** The value stored under `key`, or null if absent. */
export function storageGet(key: Bytes): Bytes | null {
  const region = db_read(regionOf(key));
  if (region == 0) return null;
  return readRegion(region);
}

export function storageSet(key: Bytes, value: Bytes): void {
  db_write(regionOf(key), regionOf(value));
}

export function storageRemove(key: Bytes): void {
  db_remove(regionOf(key));
}
