/**
 * Domain padding for non-periodic data (neuraloperator's DomainPadding, "one-sided"): zeros
 * appended on the right of every spatial axis, round(fraction * n) of them (Python's round:
 * half to even), and cropped off again after the Fourier layers.
 */
import { pad, type SliceSpec, slice, type Tensor } from "@modewise/tensor";

function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export function paddingAmounts(spatial: readonly number[], fraction: number): number[] {
  return spatial.map((n) => roundHalfEven(fraction * n));
}

export function padRight(x: Tensor, amounts: readonly number[]): Tensor {
  return pad(x, [[0, 0], [0, 0], ...amounts.map((a) => [0, a] as [number, number])]);
}

export function cropRight(x: Tensor, amounts: readonly number[]): Tensor {
  const spec: SliceSpec[] = [
    null,
    null,
    ...amounts.map((a, i) => ({ start: 0, stop: x.shape[i + 2] - a })),
  ];
  return slice(x, spec);
}
