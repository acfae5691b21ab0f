/**
 * The last pass of the forward box DFT (box-dft.ts forwardCpu) as a WebAssembly loop over
 * resident arrays: Z[b, j1, j2] = (U[re, c] - U[im, s], U[im, c] + U[re, s]), float32 additions
 * and subtractions, each correctly rounded as the JavaScript loop's (a float64 sum of two
 * float32 values rounded once to float32 is the correctly rounded float32 sum), so the same
 * bits. The JavaScript loop pays a conversion and a bounds check per access (~3 ms of an FNO
 * training step); this one runs several times faster. Null where the memory is not shared or
 * the arrays are not resident: box-dft.ts keeps its loop.
 */
import {
  allocResident,
  instantiateThreadModule,
  onRuntimeStart,
  residentAddress,
  runModuleJob,
} from "@modewise/tensor/cpu-kernels";
import {
  ALIGN_4,
  assembleModule,
  FunctionBody,
  I32,
  memOp,
  memorySpec,
  Op,
} from "@modewise/tensor/wasm";

/** Emits: local x += by (a constant or a local). */
function bump(b: FunctionBody, x: number, by: number | { local: number }): void {
  b.get(x);
  if (typeof by === "number") b.i32Const(by);
  else b.get(by.local);
  b.emit(Op.i32Add);
  b.set(x);
}

/**
 * Emits a counted loop: for (local i = local `from` (or 0); i < local n; i++) body()
 * (at least one iteration assumed).
 */
function forLoop(b: FunctionBody, i: number, n: number, body: () => void, from?: number): void {
  if (from === undefined) b.i32Const(0);
  else b.get(from);
  b.set(i);
  b.emit(Op.loop, 0x40);
  body();
  bump(b, i, 1);
  b.get(i);
  b.get(n);
  b.emit(Op.i32LtS, Op.brIf, 0, Op.end);
}

/**
 * combine(u, z, nb, R, m2, j2a, j2b, b0, b1): byte addresses of U and Z, the sizes, then the
 * part to compute: frequencies j2 in [j2a, j2b) of batch elements [b0, b1).
 */
function combineBody(): FunctionBody {
  const b = new FunctionBody(9);
  const [U, Z, NB, R, M2, J2A, J2B, B0, B1] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const j2 = b.local(I32);
  const q = b.local(I32);
  const j1 = b.local(I32);
  const re = b.local(I32);
  const im = b.local(I32);
  const at = b.local(I32);
  const rowBytes = b.local(I32); // 4 R: from U[re, c] to U[re, s]
  const zStep = b.local(I32); // 8 m2: from Z[b, j1, j2] to Z[b, j1 + 1, j2]
  const half = b.local(I32); // 4 nb 2R: from U[re ..] to U[im ..]
  b.get(R);
  b.i32Const(2);
  b.emit(Op.i32Shl);
  b.set(rowBytes);
  b.get(M2);
  b.i32Const(3);
  b.emit(Op.i32Shl);
  b.set(zStep);
  b.get(NB);
  b.get(rowBytes);
  b.emit(Op.i32Mul);
  b.i32Const(1);
  b.emit(Op.i32Shl);
  b.set(half);
  const load = (p: number, offset: { local: number } | null) => {
    b.get(p);
    if (offset) {
      b.get(offset.local);
      b.emit(Op.i32Add);
    }
    b.emit(...memOp(Op.f32Load, ALIGN_4, 0));
  };
  forLoop(
    b,
    j2,
    J2B,
    () => {
      forLoop(
        b,
        q,
        B1,
        () => {
          // re = U + 4 (2 j2 nb + b) 2R; im = re + half; at = Z + 8 (b R m2 + j2)
          b.get(U);
          b.get(j2);
          b.i32Const(1);
          b.emit(Op.i32Shl);
          b.get(NB);
          b.emit(Op.i32Mul);
          b.get(q);
          b.emit(Op.i32Add);
          b.get(rowBytes);
          b.emit(Op.i32Mul);
          b.i32Const(1);
          b.emit(Op.i32Shl, Op.i32Add);
          b.set(re);
          b.get(re);
          b.get(half);
          b.emit(Op.i32Add);
          b.set(im);
          b.get(Z);
          b.get(q);
          b.get(R);
          b.emit(Op.i32Mul);
          b.get(M2);
          b.emit(Op.i32Mul);
          b.get(j2);
          b.emit(Op.i32Add);
          b.i32Const(3);
          b.emit(Op.i32Shl, Op.i32Add);
          b.set(at);
          forLoop(b, j1, R, () => {
            // Z re = U[re, c] - U[im, s]
            b.get(at);
            load(re, null);
            load(im, { local: rowBytes });
            b.emit(Op.f32Sub, ...memOp(Op.f32Store, ALIGN_4, 0));
            // Z im = U[im, c] + U[re, s]
            b.get(at);
            load(im, null);
            load(re, { local: rowBytes });
            b.emit(Op.f32Add, ...memOp(Op.f32Store, ALIGN_4, 4));
            bump(b, re, 4);
            bump(b, im, 4);
            bump(b, at, { local: zStep });
          });
        },
        B0,
      );
    },
    J2A,
  );
  return b;
}

/** Int32 entries of a unit's argument block: [u, z, nb, R, m2, bPer, bUnits]. */
const UNIT_ARGS = 7;

/**
 * unit(u, args): frequency j2 = u / bUnits of batch elements [c bPer, min(nb, (c + 1) bPer)),
 * c = u mod bUnits (module jobs of @modewise/tensor/cpu-kernels: the gemm threads share them;
 * each unit writes its own outputs).
 */
function unitBody(): FunctionBody {
  const b = new FunctionBody(2);
  const [u, z, nb, R, m2, bPer, bUnits] = b.i32Args(1, UNIT_ARGS);
  const j2 = b.local(I32);
  const b0 = b.local(I32);
  const b1 = b.local(I32);
  b.get(0);
  b.get(bUnits);
  b.emit(Op.i32DivU);
  b.set(j2);
  b.get(0);
  b.get(bUnits);
  b.emit(Op.i32RemU);
  b.get(bPer);
  b.emit(Op.i32Mul);
  b.tee(b0);
  b.get(bPer);
  b.emit(Op.i32Add);
  b.set(b1);
  b.minInto(b1, nb);
  for (const x of [u, z, nb, R, m2, j2]) b.get(x);
  b.get(j2);
  b.i32Const(1);
  b.emit(Op.i32Add);
  b.get(b0);
  b.get(b1);
  b.emit(Op.call, 0);
  return b;
}

interface CombineKernels {
  unit: (u: number, args: number) => void;
  /** The gemm threads' index of the module (-1: none). */
  threadIndex: number;
  /** The unit argument block (a resident scratch of UNIT_ARGS int32). */
  args: Int32Array;
}

let kernels: CombineKernels | null | undefined;

/**
 * The module over the resident memory, made when the CPU kernels' runtime starts (as
 * spectral-mix.ts's), before the gemm workers do, so that they instantiate it too.
 */
function kernel(): CombineKernels | null {
  if (kernels !== undefined) return kernels;
  kernels = null;
  const made = instantiateThreadModule((memory) =>
    assembleModule({
      types: [
        { params: new Array<number>(9).fill(I32), results: [] },
        { params: [I32, I32], results: [] },
      ],
      functions: [
        { type: 0, body: combineBody() },
        { type: 1, body: unitBody() },
      ],
      ...memorySpec(memory),
      exports: [{ name: "unit", kind: "func", index: 1 }],
    }),
  );
  const scratch = made === null ? null : allocResident(UNIT_ARGS);
  if (made === null || scratch === null) return null;
  kernels = {
    unit: made.exports.unit as (u: number, args: number) => void,
    threadIndex: made.threadIndex,
    args: new Int32Array(scratch.buffer, scratch.byteOffset, UNIT_ARGS),
  };
  return kernels;
}
onRuntimeStart(() => void kernel());

/**
 * Z from U in place where both are resident (see the file comment); false (nothing written)
 * otherwise. U [(j2, re|im, b), (c|s, j1)] floats, Z [nb, R, m2] complex; nb, R, m2 >= 1.
 */
export function combineBoxResident(
  U: Float32Array,
  z: Float32Array,
  nb: number,
  R: number,
  m2: number,
): boolean {
  const u = residentAddress(U);
  const at = residentAddress(z);
  if (u < 0 || at < 0 || nb < 1 || R < 1 || m2 < 1) return false;
  const k = kernel();
  if (k === null) return false;
  // units of ~64 batch elements of one frequency (~1K complex outputs)
  const bPer = Math.min(nb, 64);
  const bUnits = Math.ceil(nb / bPer);
  k.args.set([u, at, nb, R, m2, bPer, bUnits]);
  // work in multiply-add equivalents: a scattered complex store costs ~3 ns (~30 of them)
  runModuleJob(k.threadIndex, k.unit, m2 * bUnits, k.args.byteOffset, 32 * nb * R * m2);
  return true;
}
