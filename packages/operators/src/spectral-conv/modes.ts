/**
 * The Fourier-mode convention shared by SpectralConv, FNO and the weight I/O.
 *
 * `modes = [m_1, ..., m_d]` is the legacy (Li et al.) count. After `rfftn` over the d spatial
 * axes of a grid n_1 x ... x n_d, the kept low-frequency box is
 *   - on every axis but the last: the 2 m_i signed frequencies -m_i, ..., m_i - 1;
 *   - on the last (half-spectrum) axis: the m_d frequencies 0, ..., m_d - 1.
 * Box index j on a non-last axis holds frequency j - m_i (the fftshift order neuraloperator
 * uses, so weights load there unchanged); on the last axis index j holds frequency j.
 * A spectral weight therefore has shape [in, out, 2 m_1, ..., 2 m_{d-1}, m_d]; neuraloperator
 * calls the same layer `n_modes = [2 m_1, ..., 2 m_{d-1}, 2 m_d - 1]` (its last axis keeps
 * n_modes[-1] // 2 + 1 = m_d frequencies).
 *
 * The grid must hold the box: n_i >= 2 m_i on the non-last axes and n_d / 2 + 1 >= m_d, i.e.
 * n_d >= 2 m_d - 2 (so the same weights evaluate on any finer grid: zero-shot super-resolution).
 */
import { ShapeError, ValueError } from "@modewise/tensor";

/** Checks `modes` (1 to 3 positive integers) for constructor `fn`; returns a copy. */
export function checkModes(fn: string, modes: unknown): number[] {
  if (
    !Array.isArray(modes) ||
    modes.length < 1 ||
    modes.length > 3 ||
    !modes.every((m) => Number.isInteger(m) && m >= 1)
  )
    throw new ValueError(
      fn,
      "modes",
      "an array of 1 to 3 positive integers (one per spatial axis)",
      JSON.stringify(modes),
    );
  return modes.slice() as number[];
}

/** Shape of the kept box along the spatial axes: [2 m_1, ..., 2 m_{d-1}, m_d]. */
export function boxShape(modes: readonly number[]): number[] {
  return modes.map((m, i) => (i === modes.length - 1 ? m : 2 * m));
}

/** Smallest grid size per axis that holds the box. */
export function minGridSize(modes: readonly number[]): number[] {
  return modes.map((m, i) => (i === modes.length - 1 ? Math.max(2 * m - 2, 1) : 2 * m));
}

/**
 * Validates an input [batch, channels, ...spatial] against `channels` and `modes` for `fn`.
 */
export function checkSpectralInput(
  fn: string,
  shape: readonly number[],
  channels: number,
  modes: readonly number[],
): void {
  const d = modes.length;
  if (shape.length !== d + 2)
    throw new ShapeError(
      fn,
      "x",
      `a rank-${d + 2} tensor [batch, channels, ${d} spatial axes]`,
      `shape [${shape.join(", ")}]`,
    );
  if (shape[1] !== channels)
    throw new ShapeError(fn, "x", `${channels} channels on axis 1`, `shape [${shape.join(", ")}]`);
  const need = minGridSize(modes);
  for (let i = 0; i < d; i++)
    if (shape[i + 2] < need[i])
      throw new ShapeError(
        fn,
        "x",
        `spatial axis ${i} of size >= ${need[i]} to hold modes [${modes.join(", ")}]`,
        `shape [${shape.join(", ")}]`,
      );
}
