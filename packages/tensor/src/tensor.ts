import type { Backend, DataId } from "./backend/backend.js";
import { type DataArray, type DType, isComplex } from "./dtype.js";
import { DisposedError, ValueError } from "./errors.js";
import { type Shape, sizeOf, stridesOf } from "./shape.js";

/** Nested JS arrays of numbers (real) or [re, im] pairs (complex), as `array()` returns them. */
export type NestedArray = number | [number, number] | NestedArray[];

/** Hooks the engine installs so that Tensor does not import the engine (no import cycle). */
export interface TensorHooks {
  dispose(t: Tensor): void;
  read(t: Tensor): Promise<DataArray>;
  readSync(t: Tensor): DataArray;
}

let hooks: TensorHooks | undefined;
let nextId = 1;

/** @internal */
export function installTensorHooks(h: TensorHooks): void {
  hooks = h;
}

/**
 * An immutable n-dimensional array living on one backend. Storage is row-major and contiguous;
 * complex elements are interleaved (re, im). Create tensors with `tensor`, `zeros`, `arange`...,
 * compute with the ops, read back with `await t.data()` (or `t.dataSync()` on backends that can).
 * Release storage with `t.dispose()` or by creating it inside `tidy`.
 */
export class Tensor {
  readonly id: number = nextId++;
  readonly shape: readonly number[];
  readonly size: number;
  /** @internal Set by the engine when an op or grad scope keeps this tensor past `tidy`. */
  kept = false;
  private disposedFlag = false;

  /** @internal Tensors are made by the engine; use the creation functions. */
  constructor(
    /** @internal */ readonly dataId: DataId,
    shape: Shape,
    readonly dtype: DType,
    /** @internal */ readonly backend: Backend,
  ) {
    this.shape = Object.freeze(shape.slice());
    this.size = sizeOf(shape);
  }

  private stridesCache: readonly number[] | undefined;
  /** Row-major strides, in elements (made on first use: few callers read them). */
  get strides(): readonly number[] {
    if (this.stridesCache === undefined) this.stridesCache = Object.freeze(stridesOf(this.shape));
    return this.stridesCache;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Name of the backend holding the data ("cpu", "wasm", "webgpu", ...). */
  get device(): string {
    return this.backend.name;
  }

  get isDisposed(): boolean {
    return this.disposedFlag;
  }

  /** @internal */
  markDisposed(): void {
    this.disposedFlag = true;
  }

  /** @internal */
  assertLive(fn: string, arg: string): void {
    if (this.disposedFlag) throw new DisposedError(fn, arg);
  }

  /** Copy of the data: interleaved (re, im) for complex dtypes. Works on every backend. */
  async data(): Promise<DataArray> {
    this.assertLive("Tensor.data", "this");
    return hooks!.read(this);
  }

  /** Synchronous copy of the data, on backends that allow it (cpu, wasm); throws on WebGPU. */
  dataSync(): DataArray {
    this.assertLive("Tensor.dataSync", "this");
    return hooks!.readSync(this);
  }

  /** Nested JS arrays; complex elements become [re, im] pairs. */
  async array(): Promise<NestedArray> {
    return toNested(await this.data(), this.shape, isComplex(this.dtype));
  }

  arraySync(): NestedArray {
    return toNested(this.dataSync(), this.shape, isComplex(this.dtype));
  }

  /** The value of a one-element real tensor. */
  item(): number {
    if (this.size !== 1 || isComplex(this.dtype)) {
      throw new ValueError(
        "Tensor.item",
        "this",
        "a one-element real tensor",
        `shape [${this.shape}] ${this.dtype}`,
      );
    }
    return this.dataSync()[0];
  }

  dispose(): void {
    hooks!.dispose(this);
  }

  toString(): string {
    return `Tensor(shape=[${this.shape.join(", ")}], dtype=${this.dtype}, device=${this.device}${this.disposedFlag ? ", disposed" : ""})`;
  }
}

function toNested(data: DataArray, shape: readonly number[], complex: boolean): NestedArray {
  const c = complex ? 2 : 1;
  const build = (axis: number, offset: number): NestedArray => {
    if (axis === shape.length) {
      return complex ? [data[offset], data[offset + 1]] : data[offset];
    }
    const stride = sizeOf(shape.slice(axis + 1)) * c;
    const out: NestedArray[] = [];
    for (let i = 0; i < shape[axis]; i++) out.push(build(axis + 1, offset + i * stride));
    return out;
  };
  return build(0, 0);
}
