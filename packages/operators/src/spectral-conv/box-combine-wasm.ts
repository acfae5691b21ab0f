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
  instantiateOnResidentMemory,
  residentAddress,
  residentMemoryImport,
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

type Combine = (u: number, z: number, nb: number, R: number, m2: number) => void;

/** Emits: local x += by (a constant or a local). */
function bump(b: FunctionBody, x: number, by: number | { local: number }): void {
  b.get(x);
  if (typeof by === "number") b.i32Const(by);
  else b.get(by.local);
  b.emit(Op.i32Add);
  b.set(x);
}

/** Emits a counted loop: for (local i = 0; i < local n; i++) body() (n >= 1 assumed). */
function forLoop(b: FunctionBody, i: number, n: number, body: () => void): void {
  b.i32Const(0);
  b.set(i);
  b.emit(Op.loop, 0x40);
  body();
  bump(b, i, 1);
  b.get(i);
  b.get(n);
  b.emit(Op.i32LtS, Op.brIf, 0, Op.end);
}

/** combine(u, z, nb, R, m2): byte addresses of U and Z, then the sizes. */
function combineBody(): FunctionBody {
  const b = new FunctionBody(5);
  const [U, Z, NB, R, M2] = [0, 1, 2, 3, 4];
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
  forLoop(b, j2, M2, () => {
    forLoop(b, q, NB, () => {
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
    });
  });
  return b;
}

let combine: Combine | null | undefined;

function kernel(): Combine | null {
  if (combine !== undefined) return combine;
  combine = null;
  const memory = residentMemoryImport();
  if (memory === null) return null;
  try {
    const bytes = assembleModule({
      types: [{ params: [I32, I32, I32, I32, I32], results: [] }],
      functions: [{ type: 0, body: combineBody() }],
      ...memorySpec(memory),
      exports: [{ name: "combine", kind: "func", index: 0 }],
    });
    const instance = instantiateOnResidentMemory(new WebAssembly.Module(bytes));
    combine = instance === null ? null : (instance.exports.combine as Combine);
  } catch {
    combine = null;
  }
  return combine;
}

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
  k(u, at, nb, R, m2);
  return true;
}
