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
});
