// The Region memory protocol (spec/cosmwasm-abi.md §2.1–§2.4): a 12-byte struct
// {offset u32, capacity u32, length u32}, little-endian, that describes a buffer in linear memory.
// `allocate`/`deallocate` are the contract exports the host uses to pass arguments in and to free the
// result (§2.2); the helpers turn argument Regions into byte slices and byte slices into Regions.
// The heap is AssemblyScript's stub runtime: a bump allocator that frees only the last block, which is
// enough for a fresh instance per call.

import { Bytes } from "./bytes";

export const REGION_SIZE: usize = 12;

// @ts-ignore: decorator
@inline export function regionOffset(region: usize): usize { return <usize>load<u32>(region, 0); }
// @ts-ignore: decorator
@inline export function regionCapacity(region: usize): usize { return <usize>load<u32>(region, 4); }
// @ts-ignore: decorator
@inline export function regionLength(region: usize): usize { return <usize>load<u32>(region, 8); }

/** A new heap Region describing [offset, offset+capacity) with the given length. */
export function newRegion(offset: usize, capacity: usize, length: usize): usize {
  const region = heap.alloc(REGION_SIZE);
  store<u32>(region, <u32>offset, 0);
  store<u32>(region, <u32>capacity, 4);
  store<u32>(region, <u32>length, 8);
  return region;
}

/** Export `allocate(size) -> region`: a fresh buffer with capacity >= size and length 0 (§2.2). */
export function allocate(size: usize): usize {
  // heap.alloc never returns 0 and gives a non-zero, aligned pointer even for size 0.
  const buffer = heap.alloc(size);
  return newRegion(buffer, size, 0);
}

/** Export `deallocate(region)`: frees the buffer and the Region (§2.2). */
export function deallocate(region: usize): void {
  const buffer = regionOffset(region);
  // Free in reverse allocation order so the bump allocator can actually reclaim both blocks.
  heap.free(region);
  heap.free(buffer);
}

/** The bytes an argument (or host-returned) Region holds. The data is not copied. */
export function readRegion(region: usize): Bytes {
  return new Bytes(regionOffset(region), regionLength(region));
}

/** A Region over existing bytes (for import inputs and results). Capacity = length. */
export function regionOf(bytes: Bytes): usize {
  // A zero-length buffer still needs a non-zero offset (§2.1); Bytes.empty() has one.
  return newRegion(bytes.ptr, bytes.len, bytes.len);
}

/** An empty Region with `capacity` bytes for the host to write into (import outputs, §2.4 B). */
export function outputRegion(capacity: usize): usize {
  return newRegion(heap.alloc(capacity), capacity, 0);
}
