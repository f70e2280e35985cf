// AssemblyScript's runtime reports failed assertions, bounds checks and allocation failures through
// `abort(message, fileName, line, column)`, which the compiler would import as `env.abort` with four
// i32 parameters. CosmWasm 1.x defines `env.abort(msg_region)` with ONE parameter (spec/cosmwasm-abi.md
// §4.2), 0.10 has no abort import at all (§3.2) and Secret's v1 whitelist does not list it
// (spec/secret-compute.md §4.3). The build routes AssemblyScript's abort here with
// `--use abort=assembly/lib/abort/cwAbort`, so no `abort` import is emitted and a panic is a plain
// `unreachable` trap, like a 0.10 Rust contract's panic.

// @ts-ignore: decorator
@inline
export function panic(): void {
  unreachable();
}

export function cwAbort(message: usize, fileName: usize, line: u32, column: u32): void {
  unreachable();
}
