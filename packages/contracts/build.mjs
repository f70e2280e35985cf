// Placeholder replaced by the contracts build (AssemblyScript + WAT → build/*.wasm).
console.log('contracts: nothing to build yet');
