/**
 * A 2-D field as a heat map with a colorbar and tick labels. The field is [s, s] row-major with
 * the first index x and the second y (the @modewise/pde convention); it is drawn with x to the
 * right and y upwards, each grid cell as a `scale` x `scale` block (no interpolation, so what
 * you see is the data).
 */
import { type ColormapName, colorOf } from "./colormaps.js";
import { formatTick, GLYPH_HEIGHT, textWidth } from "./font.js";
import { Raster } from "./raster.js";
import { niceTicks } from "./ticks.js";

export interface FieldImageOptions {
  colormap: ColormapName;
  vmin: number;
  vmax: number;
  /** Pixels per grid cell (default: so that the field is about 256 pixels wide). */
  scale?: number;
  /** Text scale of the tick labels (default 2). */
  textScale?: number;
}

export const MARGIN = 8;
export const BAR_WIDTH = 16;

/** Geometry of a rendered field image, for tests and for the GIF (same layout every frame). */
export function fieldImageLayout(
  nx: number,
  options: FieldImageOptions,
  ny = nx,
): { width: number; height: number; scale: number; barX: number } {
  const scale = options.scale ?? Math.max(1, Math.round(256 / Math.max(nx, ny)));
  const textScale = options.textScale ?? 2;
  const labels = niceTicks(options.vmin, options.vmax).map(formatTick);
  const labelWidth = Math.max(0, ...labels.map((l) => textWidth(l, textScale)));
  const barX = MARGIN + nx * scale + 2 * MARGIN;
  return {
    width: barX + BAR_WIDTH + 4 + labelWidth + MARGIN,
    height: ny * scale + 2 * MARGIN,
    scale,
    barX,
  };
}

/** Render field [s, s] into a raster. */
export function renderField(field: Float64Array, s: number, options: FieldImageOptions): Raster {
  return renderGrid(field, s, s, options);
}

/** Render a [nx, ny] row-major field: first index to the right, second upwards. */
export function renderGrid(
  field: Float64Array,
  nx: number,
  ny: number,
  options: FieldImageOptions,
): Raster {
  const { width, height, scale, barX } = fieldImageLayout(nx, options, ny);
  const textScale = options.textScale ?? 2;
  const img = new Raster(width, height);
  const side = ny * scale;
  for (let i = 0; i < nx; i++)
    for (let j = 0; j < ny; j++) {
      const c = colorOf(options.colormap, field[i * ny + j], options.vmin, options.vmax);
      img.fillRect(MARGIN + i * scale, MARGIN + (ny - 1 - j) * scale, scale, scale, c);
    }
  // Colorbar: vmax at the top, vmin at the bottom.
  for (let r = 0; r < side; r++) {
    const v = options.vmax - ((r + 0.5) / side) * (options.vmax - options.vmin);
    img.fillRect(
      barX,
      MARGIN + r,
      BAR_WIDTH,
      1,
      colorOf(options.colormap, v, options.vmin, options.vmax),
    );
  }
  img.strokeRect(barX - 1, MARGIN - 1, BAR_WIDTH + 2, side + 2, [0, 0, 0]);
  for (const t of niceTicks(options.vmin, options.vmax)) {
    const y = Math.round(
      MARGIN + ((options.vmax - t) / (options.vmax - options.vmin)) * (side - 1),
    );
    img.line(barX + BAR_WIDTH, y, barX + BAR_WIDTH + 3, y, [0, 0, 0]);
    const labelY = Math.min(
      Math.max(y - Math.floor((GLYPH_HEIGHT * textScale) / 2), 0),
      height - GLYPH_HEIGHT * textScale,
    );
    img.text(barX + BAR_WIDTH + 5, labelY, formatTick(t), textScale);
  }
  return img;
}

/** Symmetric range [-m, m] with m = max |v| (diverging maps), or [min, max]. */
export function valueRange(
  values: ArrayLike<number>,
  symmetric: boolean,
): { vmin: number; vmax: number } {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return { vmin: -1, vmax: 1 };
  if (symmetric) {
    const m = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
    return { vmin: -m, vmax: m };
  }
  return hi > lo ? { vmin: lo, vmax: hi } : { vmin: lo - 1, vmax: lo + 1 };
}
