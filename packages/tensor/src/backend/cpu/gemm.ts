/**
 * Dense matrix products on row-major typed arrays, the work-horse of matmul and convolution.
 * Rows of C accumulate in a float64 scratch row, four rows of B at a time, so f32 inputs get
 * f64 accumulation (error ~ K * 2^-53 before the final rounding to f32) and the inner loop
 * streams contiguous memory.
 */
export type Floats = Float32Array | Float64Array;

let rowScratch = new Float64Array(64);

function scratch(n: number): Float64Array {
  if (rowScratch.length < n) rowScratch = new Float64Array(n);
  return rowScratch;
}

/** C[cOff..] (+)= A[M x K] @ B[K x N]; all row-major contiguous. */
export function gemm(
  M: number,
  N: number,
  K: number,
  A: Floats,
  aOff: number,
  B: Floats,
  bOff: number,
  C: Floats,
  cOff: number,
  accumulate = false,
): void {
  const row = scratch(N);
  for (let i = 0; i < M; i++) {
    const cRow = cOff + i * N;
    if (accumulate) for (let j = 0; j < N; j++) row[j] = C[cRow + j];
    else row.fill(0, 0, N);
    const aRow = aOff + i * K;
    let k = 0;
    for (; k + 3 < K; k += 4) {
      const a0 = A[aRow + k];
      const a1 = A[aRow + k + 1];
      const a2 = A[aRow + k + 2];
      const a3 = A[aRow + k + 3];
      const b0 = bOff + k * N;
      const b1 = b0 + N;
      const b2 = b1 + N;
      const b3 = b2 + N;
      for (let j = 0; j < N; j++) {
        row[j] += a0 * B[b0 + j] + a1 * B[b1 + j] + a2 * B[b2 + j] + a3 * B[b3 + j];
      }
    }
    for (; k < K; k++) {
      const a = A[aRow + k];
      if (a === 0) continue;
      const b0 = bOff + k * N;
      for (let j = 0; j < N; j++) row[j] += a * B[b0 + j];
    }
    for (let j = 0; j < N; j++) C[cRow + j] = row[j];
  }
}

/** Complex C = A @ B with interleaved storage; offsets and sizes in complex elements. */
export function gemmComplex(
  M: number,
  N: number,
  K: number,
  A: Floats,
  aOff: number,
  B: Floats,
  bOff: number,
  C: Floats,
  cOff: number,
): void {
  const row = scratch(2 * N);
  for (let i = 0; i < M; i++) {
    row.fill(0, 0, 2 * N);
    for (let k = 0; k < K; k++) {
      const ar = A[2 * (aOff + i * K + k)];
      const ai = A[2 * (aOff + i * K + k) + 1];
      const b0 = 2 * (bOff + k * N);
      for (let j = 0; j < N; j++) {
        const br = B[b0 + 2 * j];
        const bi = B[b0 + 2 * j + 1];
        row[2 * j] += ar * br - ai * bi;
        row[2 * j + 1] += ar * bi + ai * br;
      }
    }
    const c0 = 2 * (cOff + i * N);
    for (let j = 0; j < 2 * N; j++) C[c0 + j] = row[j];
  }
}

/** dst[cols x rows] = transpose of src[rows x cols] starting at srcOff; c = components per element. */
export function transposeMatrix(src: Floats, srcOff: number, rows: number, cols: number, dst: Floats, c: 1 | 2): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const s = (srcOff + i * cols + j) * c;
      const d = (j * rows + i) * c;
      dst[d] = src[s];
      if (c === 2) dst[d + 1] = src[s + 1];
    }
  }
}
