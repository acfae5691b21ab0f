/**
 * `@modewise/tensor/wasm`: the WebAssembly assembler the Modewise packages use for their
 * hand-written SIMD kernels (see assembler.ts).
 */
export * from "./assembler.js";
