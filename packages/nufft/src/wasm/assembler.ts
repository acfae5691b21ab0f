/**
 * The spreading / interpolation kernels' view of the tensor core's WebAssembly assembler
 * (@modewise/tensor/wasm): its value types, opcodes and builders, plus the two things only
 * these kernels need, the lane-broadcast shuffle and a module layout of equal-signature
 * functions with one exported memory.
 */
import {
  assembleModule as assemble,
  I32,
  FunctionBody as SharedFunctionBody,
} from "@modewise/tensor/wasm";

export { F64, I32, Op, Simd, V128 } from "@modewise/tensor/wasm";

/** Lanes (bytes) of i8x16.shuffle broadcasting lane 0 or lane 1 of an f64x2. */
export const BROADCAST_LANE: readonly (readonly number[])[] = [
  [0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7],
  [8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15],
];

/** A function body whose parameters are all i32; `i32(c)` / `f64(c)` push constants. */
export class FunctionBody extends SharedFunctionBody {
  i32(c: number): void {
    this.i32Const(c);
  }
  f64(c: number): void {
    this.f64Const(c);
  }
}

/**
 * A module of functions that all take `nParams` i32 parameters and return nothing, plus one
 * exported memory "memory" of `pages` initial 64 KiB pages.
 */
export function assembleModule(
  nParams: number,
  functions: readonly { name: string; body: FunctionBody }[],
  pages: number,
): Uint8Array<ArrayBuffer> {
  return assemble({
    types: [{ params: new Array<number>(nParams).fill(I32), results: [] }],
    functions: functions.map((f) => ({ type: 0, body: f.body })),
    memory: { minPages: pages },
    exports: [
      ...functions.map((f, i) => ({ name: f.name, kind: "func" as const, index: i })),
      { name: "memory", kind: "memory", index: 0 },
    ],
  });
}
