/**
 * Data types. Complex values are stored interleaved (re, im) in a typed array of the matching
 * real precision, so a complex128 tensor of n elements owns a Float64Array of length 2n.
 */
export type RealFloatDType = "float32" | "float64";
export type ComplexDType = "complex64" | "complex128";
export type FloatDType = RealFloatDType | ComplexDType;
/** int32 and bool exist for indices, argmax results and masks; they carry no gradient. */
export type DType = FloatDType | "int32" | "bool";

export type DataArray = Float32Array | Float64Array | Int32Array | Uint8Array;

export const DTYPES: readonly DType[] = [
  "bool",
  "int32",
  "float32",
  "float64",
  "complex64",
  "complex128",
];

export function isDType(x: unknown): x is DType {
  return typeof x === "string" && (DTYPES as readonly string[]).includes(x);
}

export function isComplex(d: DType): d is ComplexDType {
  return d === "complex64" || d === "complex128";
}

export function isFloat(d: DType): d is FloatDType {
  return d === "float32" || d === "float64" || d === "complex64" || d === "complex128";
}

/** The real dtype that holds one component of `d` (complex64 -> float32). */
export function realPart(d: DType): RealFloatDType {
  if (d === "float64" || d === "complex128") return "float64";
  return "float32";
}

/** The complex dtype with the precision of `d` (float64 -> complex128). */
export function complexOf(d: DType): ComplexDType {
  return d === "float64" || d === "complex128" ? "complex128" : "complex64";
}

/** Numbers stored per element: 2 for complex, 1 otherwise. */
export function componentsOf(d: DType): 1 | 2 {
  return isComplex(d) ? 2 : 1;
}

export function bytesPerElement(d: DType): number {
  switch (d) {
    case "bool":
      return 1;
    case "int32":
    case "float32":
      return 4;
    case "float64":
    case "complex64":
      return 8;
    case "complex128":
      return 16;
  }
}

export function allocate(d: DType, size: number): DataArray {
  switch (d) {
    case "bool":
      return new Uint8Array(size);
    case "int32":
      return new Int32Array(size);
    case "float32":
      return new Float32Array(size);
    case "float64":
      return new Float64Array(size);
    case "complex64":
      return new Float32Array(2 * size);
    case "complex128":
      return new Float64Array(2 * size);
  }
}

const RANK: Record<DType, number> = {
  bool: 0,
  int32: 1,
  float32: 2,
  float64: 3,
  complex64: 4,
  complex128: 5,
};

/**
 * Result dtype of a binary operation, following PyTorch/numpy category rules:
 * bool < int32 < float < complex; precision is the larger of the two
 * (float64 with complex64 gives complex128, as in numpy). int32 with float32 gives float32
 * (PyTorch's choice: integers do not force float64).
 */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const complex = isComplex(a) || isComplex(b);
  const wide = a === "float64" || b === "float64" || a === "complex128" || b === "complex128";
  if (complex) return wide ? "complex128" : "complex64";
  if (isFloat(a) || isFloat(b)) return wide ? "float64" : "float32";
  return RANK[a] > RANK[b] ? a : b;
}

let defaultFloat: RealFloatDType = "float32";

/** dtype of tensors made from plain JS numbers when none is given (PyTorch's default: float32). */
export function getDefaultFloatDType(): RealFloatDType {
  return defaultFloat;
}

export function setDefaultFloatDType(d: RealFloatDType): void {
  defaultFloat = d;
}
