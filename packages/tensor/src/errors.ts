/**
 * Typed errors. Every error names the public function, the argument, what was expected and
 * what was received, so a user can fix the call without reading our source.
 */
export class ModewiseError extends Error {
  constructor(
    message: string,
    readonly fn: string,
    readonly argument?: string,
    readonly expected?: string,
    readonly received?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

function describe(fn: string, argument: string, expected: string, received: string): string {
  return `${fn}: argument '${argument}' expected ${expected}, received ${received}`;
}

/** A shape that does not fit: wrong rank, non-broadcastable, mismatched contraction. */
export class ShapeError extends ModewiseError {
  constructor(fn: string, argument: string, expected: string, received: string) {
    super(describe(fn, argument, expected, received), fn, argument, expected, received);
  }
}

/** A dtype the operation does not support, or two dtypes that may not be mixed. */
export class DTypeError extends ModewiseError {
  constructor(fn: string, argument: string, expected: string, received: string) {
    super(describe(fn, argument, expected, received), fn, argument, expected, received);
  }
}

/** Tensors living on different backends, or a backend that cannot hold the dtype. */
export class DeviceError extends ModewiseError {
  constructor(fn: string, argument: string, expected: string, received: string) {
    super(describe(fn, argument, expected, received), fn, argument, expected, received);
  }
}

/** Any other invalid argument value (axis out of range, negative size, bad option). */
export class ValueError extends ModewiseError {
  constructor(fn: string, argument: string, expected: string, received: string) {
    super(describe(fn, argument, expected, received), fn, argument, expected, received);
  }
}

/** Use of a tensor after dispose(). */
export class DisposedError extends ModewiseError {
  constructor(fn: string, argument: string) {
    super(
      `${fn}: argument '${argument}' is a disposed tensor`,
      fn,
      argument,
      "a live tensor",
      "a disposed tensor",
    );
  }
}

/** A kernel that the active backend does not implement (never a silent fallback). */
export class NotImplementedError extends ModewiseError {
  constructor(fn: string, what: string) {
    super(`${fn}: ${what}`, fn);
  }
}

/**
 * Short, readable rendering of a received value for error messages: strings quoted, arrays
 * element by element up to 8 entries (then "..., n items"), typed arrays as `Float64Array(n)`
 * (their contents are data, not something to print), other objects by class name.
 */
export function show(value: unknown): string {
  if (Array.isArray(value)) {
    const head = value.slice(0, 8).map(show).join(", ");
    return value.length > 8 ? `[${head}, ... ${value.length} items]` : `[${head}]`;
  }
  if (ArrayBuffer.isView(value))
    return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length ?? value.byteLength})`;
  if (typeof value === "string") return `'${value}'`;
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return String(value);
}
