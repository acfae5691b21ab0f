/** Line charts (energy/enstrophy over time, energy spectra on log-log axes) as rasters. */
import { formatTick, GLYPH_HEIGHT, textWidth } from "./font.js";
import { Raster, type RGB } from "./raster.js";
import { logTicks, niceTicks } from "./ticks.js";

export interface Series {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  color: RGB;
  /** Legend entry (charts with at least one labelled series get a legend, top right). */
  label?: string;
}

export interface LineChartOptions {
  width?: number;
  height?: number;
  logX?: boolean;
  logY?: boolean;
  textScale?: number;
  /** Axis titles: x centred under the tick labels, y above the plot's top-left corner. */
  xLabel?: string;
  yLabel?: string;
  /**
   * On a log y axis, drop values below yMax * this ratio (default 1e-15: below it, spectra show
   * only float64 round-off, which would squash the meaningful decades).
   */
  logFloorRatio?: number;
}

/** Distinct, colour-blind-friendly series colours (Okabe & Ito 2008). */
export const SERIES_COLORS: readonly RGB[] = [
  [0, 114, 178],
  [213, 94, 0],
  [0, 158, 115],
  [204, 121, 167],
  [230, 159, 0],
  [86, 180, 233],
];

function extent(values: number[]): [number, number] {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (!(hi > lo)) {
    const pad = Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  return [lo, hi];
}

export function renderLineChart(series: readonly Series[], options: LineChartOptions = {}): Raster {
  const width = options.width ?? 640;
  const height = options.height ?? 400;
  const ts = options.textScale ?? 2;
  const tx = (v: number) => (options.logX ? Math.log10(v) : v);
  const ty = (v: number) => (options.logY ? Math.log10(v) : v);
  // Only points drawable on the chosen axes (positive on log axes, finite everywhere).
  let yMax = Number.NEGATIVE_INFINITY;
  for (const s of series)
    for (let i = 0; i < s.y.length; i++)
      if (Number.isFinite(s.y[i]) && s.y[i] > yMax) yMax = s.y[i];
  const floor = options.logY ? yMax * (options.logFloorRatio ?? 1e-15) : Number.NEGATIVE_INFINITY;
  const ok = (x: number, y: number) =>
    Number.isFinite(tx(x)) && Number.isFinite(ty(y)) && y >= floor;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series)
    for (let i = 0; i < s.x.length; i++)
      if (ok(s.x[i], s.y[i])) {
        xs.push(s.x[i]);
        ys.push(s.y[i]);
      }
  const img = new Raster(width, height);
  if (xs.length === 0) return img;
  const [x0, x1] = extent(xs.map(tx));
  const [y0, y1] = extent(ys.map(ty));
  const yTicks = options.logY ? logTicks(10 ** y0, 10 ** y1) : niceTicks(y0, y1);
  const xTicks = options.logX ? logTicks(10 ** x0, 10 ** x1) : niceTicks(x0, x1);
  const lineHeight = GLYPH_HEIGHT * ts + 6;
  const left = 12 + Math.max(...yTicks.map((t) => textWidth(formatTick(t), ts)));
  const right = width - 16;
  const top = 12 + (options.yLabel ? lineHeight : 0);
  const bottom = height - (12 + lineHeight + (options.xLabel ? lineHeight : 0));
  const px = (v: number) => left + ((tx(v) - x0) / (x1 - x0)) * (right - left);
  const py = (v: number) => bottom - ((ty(v) - y0) / (y1 - y0)) * (bottom - top);
  const grid: RGB = [225, 225, 225];
  for (const t of yTicks) {
    const y = Math.round(py(t));
    img.line(left, y, right, y, grid);
    const label = formatTick(t);
    img.text(left - 6 - textWidth(label, ts), y - Math.floor((GLYPH_HEIGHT * ts) / 2), label, ts);
  }
  for (const t of xTicks) {
    const x = Math.round(px(t));
    img.line(x, top, x, bottom, grid);
    const label = formatTick(t);
    img.text(Math.round(x - textWidth(label, ts) / 2), bottom + 6, label, ts);
  }
  img.strokeRect(left, top, right - left + 1, bottom - top + 1, [0, 0, 0]);
  if (options.xLabel) {
    const label = options.xLabel.toUpperCase();
    img.text(
      Math.round((left + right - textWidth(label, ts)) / 2),
      bottom + lineHeight + 4,
      label,
      ts,
    );
  }
  if (options.yLabel) img.text(Math.max(2, left - 6), 10, options.yLabel.toUpperCase(), ts);
  for (const s of series) {
    let prev: [number, number] | undefined;
    for (let i = 0; i < s.x.length; i++) {
      if (!ok(s.x[i], s.y[i])) {
        prev = undefined;
        continue;
      }
      const p: [number, number] = [px(s.x[i]), py(s.y[i])];
      if (prev) img.line(prev[0], prev[1], p[0], p[1], s.color);
      else img.set(Math.round(p[0]), Math.round(p[1]), s.color);
      prev = p;
    }
  }
  drawLegend(img, series, right, top, ts);
  return img;
}

/** A boxed legend in the top-right corner of the plot area: a colour swatch and a label per series. */
function drawLegend(
  img: Raster,
  series: readonly Series[],
  right: number,
  top: number,
  ts: number,
) {
  const entries = series.filter((s) => s.label !== undefined);
  if (entries.length === 0) return;
  const swatch = 6 * ts;
  const row = GLYPH_HEIGHT * ts + 4;
  const labels = entries.map((s) => (s.label as string).toUpperCase());
  const w = 4 + swatch + 4 + Math.max(...labels.map((l) => textWidth(l, ts))) + 4;
  const h = 4 + entries.length * row;
  const x0 = right - 6 - w;
  const y0 = top + 6;
  img.fillRect(x0, y0, w, h, [255, 255, 255]);
  img.strokeRect(x0, y0, w, h, [0, 0, 0]);
  entries.forEach((s, i) => {
    const y = y0 + 4 + i * row;
    img.fillRect(
      x0 + 4,
      y + Math.floor((GLYPH_HEIGHT * ts) / 2) - 1,
      swatch,
      Math.max(2, ts),
      s.color,
    );
    img.text(x0 + 4 + swatch + 4, y, labels[i] as string, ts);
  });
}
