/**
 * Perceptual colormaps as hand-written lookup tables: control colors sampled at equal steps
 * and linearly interpolated in sRGB to 256 entries (fine enough that the interpolation error
 * is below one 8-bit level for these smooth maps).
 * - viridis (van der Walt & Smith, matplotlib 2.0): perceptually uniform, sequential, for
 *   non-negative quantities (energy, Darcy solution);
 * - RdBu (ColorBrewer, Brewer 2003), reversed so that red is positive: diverging, for signed
 *   fields centred on zero (vorticity), with white at 0.
 */
export type ColormapName = "viridis" | "rdbu";

const VIRIDIS_STOPS = [
  "#440154",
  "#482475",
  "#414487",
  "#355f8d",
  "#2a788e",
  "#21918c",
  "#22a884",
  "#44bf70",
  "#7ad151",
  "#bddf26",
  "#fde725",
];
// ColorBrewer RdBu-11 from blue (low) to red (high).
const RDBU_STOPS = [
  "#053061",
  "#2166ac",
  "#4393c3",
  "#92c5de",
  "#d1e5f0",
  "#f7f7f7",
  "#fddbc7",
  "#f4a582",
  "#d6604d",
  "#b2182b",
  "#67001f",
];

function hex(color: string): [number, number, number] {
  const v = Number.parseInt(color.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

function buildLut(stops: readonly string[], size = 256): Uint8Array {
  const rgb = stops.map(hex);
  const lut = new Uint8Array(size * 3);
  for (let i = 0; i < size; i++) {
    const x = (i / (size - 1)) * (rgb.length - 1);
    const k = Math.min(Math.floor(x), rgb.length - 2);
    const f = x - k;
    for (let c = 0; c < 3; c++)
      lut[i * 3 + c] = Math.round(rgb[k][c] * (1 - f) + rgb[k + 1][c] * f);
  }
  return lut;
}

const LUTS: Record<ColormapName, Uint8Array> = {
  viridis: buildLut(VIRIDIS_STOPS),
  rdbu: buildLut(RDBU_STOPS),
};

/** The 256 x 3 RGB table of a colormap. */
export function colormapLut(name: ColormapName): Uint8Array {
  return LUTS[name];
}

/** Map value v in [vmin, vmax] to an RGB triple (clamped; NaN maps to mid-gray). */
export function colorOf(
  name: ColormapName,
  v: number,
  vmin: number,
  vmax: number,
): [number, number, number] {
  if (!Number.isFinite(v)) return [128, 128, 128];
  const lut = LUTS[name];
  const t = vmax > vmin ? (v - vmin) / (vmax - vmin) : 0.5;
  const i = Math.max(0, Math.min(255, Math.round(t * 255)));
  return [lut[i * 3], lut[i * 3 + 1], lut[i * 3 + 2]];
}
