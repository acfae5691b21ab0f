/**
 * Plot building blocks: colormap tables against the published control colours (matplotlib's
 * viridis and ColorBrewer RdBu sampled at 0, 0.5, 1), tick formatting, the bitmap font, and the
 * line chart's mapping of data to pixels.
 */
import { describe, expect, it } from "vitest";
import { colormapLut, colorOf, formatTick, Raster, renderLineChart } from "../src/index.js";

describe("colormaps", () => {
  it("hit the published colours at the ends and the middle", () => {
    // viridis(0) = #440154, viridis(0.5) = #21918c, viridis(1) = #fde725 (matplotlib)
    expect(colorOf("viridis", 0, 0, 1)).toEqual([0x44, 0x01, 0x54]);
    expect(colorOf("viridis", 1, 0, 1)).toEqual([0xfd, 0xe7, 0x25]);
    // RdBu middle is the neutral #f7f7f7: index round(0.5*255) = 128 sits 1/255 above the
    // centre, so allow the one-level interpolation step towards #fddbc7.
    const mid = colorOf("rdbu", 0, -1, 1);
    expect(Math.abs(mid[0] - 0xf7)).toBeLessThanOrEqual(1);
    expect(Math.abs(mid[1] - 0xf7)).toBeLessThanOrEqual(2);
    expect(colorOf("rdbu", -5, -1, 1)).toEqual([0x05, 0x30, 0x61]); // clamped low: darkest blue
    expect(colorOf("rdbu", 5, -1, 1)).toEqual([0x67, 0x00, 0x1f]); // clamped high: darkest red
    expect(colorOf("viridis", Number.NaN, 0, 1)).toEqual([128, 128, 128]);
  });

  it("viridis lightness increases monotonically (perceptual ordering)", () => {
    const lut = colormapLut("viridis");
    let prev = -1;
    for (let i = 0; i < 256; i++) {
      // Rec. 709 luma as a lightness proxy
      const y = 0.2126 * lut[i * 3] + 0.7152 * lut[i * 3 + 1] + 0.0722 * lut[i * 3 + 2];
      expect(y).toBeGreaterThanOrEqual(prev - 1e-9);
      prev = y;
    }
  });
});

describe("ticks and font", () => {
  it("formats tick labels compactly", () => {
    expect([0, 1, -2.5, 0.125, 1500, 1e-3, 2.5e-7, 1e5].map(formatTick)).toEqual([
      "0",
      "1",
      "-2.5",
      "0.125",
      "1500",
      "1e-3",
      "2.5e-7",
      "1e5",
    ]);
  });

  it("draws the glyph '8' with 13 lit cells", () => {
    const r = new Raster(10, 10);
    r.text(0, 0, "8", 1);
    let lit = 0;
    for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) if (r.get(x, y)[0] === 0) lit++;
    expect(lit).toBe(13);
  });
});

describe("line chart", () => {
  it("draws a straight line for y = x and nothing for non-finite or non-positive log points", () => {
    const img = renderLineChart([{ x: [0, 1, 2], y: [0, 1, 2], color: [255, 0, 0] }], {
      width: 200,
      height: 150,
    });
    let red = 0;
    for (let p = 0; p < img.width * img.height; p++)
      if (img.data[p * 4] === 255 && img.data[p * 4 + 1] === 0) red++;
    expect(red).toBeGreaterThan(50);
    const empty = renderLineChart([{ x: [1, 2], y: [0, -1], color: [255, 0, 0] }], {
      logY: true,
      width: 50,
      height: 50,
    });
    expect(empty.data.every((v) => v === 255)).toBe(true);
  });

  it("draws axis titles and a legend with each series' colour swatch and label", () => {
    const series = [
      { x: [1, 2, 3], y: [1, 0.5, 0.2], color: [0, 114, 178] as const },
      { x: [1, 2, 3], y: [2, 1, 0.4], color: [213, 94, 0] as const },
    ];
    const opts = { width: 300, height: 200, logY: true };
    const countDark = (
      img: ReturnType<typeof renderLineChart>,
      x0: number,
      y0: number,
      x1: number,
      y1: number,
    ) => {
      let n = 0;
      for (let y = y0; y < y1; y++)
        for (let x = x0; x < x1; x++) if (img.get(x, y)[0] === 0 && img.get(x, y)[1] === 0) n++;
      return n;
    };
    const plain = renderLineChart(series, opts);
    const labelled = renderLineChart(
      series.map((s, i) => ({ ...s, label: i === 0 ? "train" : "val" })),
      { ...opts, xLabel: "step", yLabel: "loss" },
    );
    // The y title sits above the plot (top strip), the x title below the tick labels: changing
    // a title's text changes only the rows of its strip.
    expect(countDark(plain, 0, 0, 300, 10)).toBe(0);
    expect(countDark(labelled, 0, 0, 300, 22)).toBeGreaterThan(20);
    const rowsThatDiffer = (a: typeof plain, b: typeof plain) => {
      const rows: number[] = [];
      for (let y = 0; y < a.height; y++)
        for (let x = 0; x < a.width; x++)
          if (a.get(x, y).join() !== b.get(x, y).join()) {
            rows.push(y);
            break;
          }
      return rows;
    };
    const other = (xLabel: string, yLabel: string) =>
      renderLineChart(
        series.map((s, i) => ({ ...s, label: i === 0 ? "train" : "val" })),
        { ...opts, xLabel, yLabel },
      );
    const xRows = rowsThatDiffer(labelled, other("time", "loss"));
    expect(xRows.length).toBeGreaterThan(4);
    expect(Math.min(...xRows)).toBeGreaterThan(170);
    const yRows = rowsThatDiffer(labelled, other("step", "cost"));
    expect(yRows.length).toBeGreaterThan(4);
    expect(Math.max(...yRows)).toBeLessThan(22);
    // Legend swatches: a solid run of each series colour in the top-right box.
    const swatch = (img: ReturnType<typeof renderLineChart>, c: readonly number[]) => {
      let best = 0;
      for (let y = 0; y < 80; y++) {
        let run = 0;
        for (let x = 150; x < 300; x++) {
          const p = img.get(x, y);
          run = p[0] === c[0] && p[1] === c[1] && p[2] === c[2] ? run + 1 : 0;
          best = Math.max(best, run);
        }
      }
      return best;
    };
    for (const s of series) expect(swatch(labelled, s.color)).toBeGreaterThanOrEqual(12);
    expect(swatch(plain, series[0]?.color ?? [])).toBeLessThan(12);
  });

  it("draws capital letters (lower case maps to them, except the exponent e)", () => {
    const lit = (text: string) => {
      const r = new Raster(8, 8);
      r.text(0, 0, text, 1);
      let n = 0;
      for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) if (r.get(x, y)[0] === 0) n++;
      return n;
    };
    expect(lit("L")).toBe(7);
    expect(lit("l")).toBe(7);
    expect(lit("T")).toBe(7);
    const pixels = (text: string) => {
      const r = new Raster(4, 6);
      r.text(0, 0, text, 1);
      return Array.from(r.data);
    };
    expect(pixels("e")).not.toEqual(pixels("E"));
    expect(pixels("a")).toEqual(pixels("A"));
  });
});
