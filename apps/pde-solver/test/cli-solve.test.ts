/**
 * `modewise-pde solve` with a tiny config: PNG frames decoded with pngjs (size from the layout,
 * field pixels equal to the colormap colour of the saved data, colour bar ends), the GIF, the
 * reports and the trajectory. The pixel check is exact: both sides map the same float64 value
 * through the same 256-entry table.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readNpy } from "@modewise/pde/io";
import pngjs from "pngjs";
import { afterAll, describe, expect, it } from "vitest";
import { colorOf, fieldImageLayout, valueRange } from "../src/index.js";
import { runCli, tempDir } from "./helpers.js";

const tmp = tempDir("solve");
afterAll(() => tmp.cleanup());

function decodePng(path: string): { width: number; height: number; data: Buffer } {
  return pngjs.PNG.sync.read(readFileSync(path));
}

describe("modewise-pde solve", () => {
  const out = tmp.path("out");
  const config = tmp.path("tiny.yaml");
  writeFileSync(
    config,
    ["s: 16", "nu: 0.001", "T: 1", "recordEvery: 0.25", "seed: 3", `out: ${out}`, ""].join("\n"),
  );
  const run = runCli(["solve", "--config", config]);

  it("exits 0 and prints where the report is", () => {
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(join(out, "report.html"));
  });

  it("writes one PNG per snapshot whose pixels are the colormap colours of the data", () => {
    const w = readNpy(join(out, "vorticity.npy"));
    expect(w.shape).toEqual([1, 16, 16, 5]); // t = 0, 0.25, ..., 1 (initial state included)
    const data = w.data as Float64Array;
    const range = valueRange(data, true);
    const layout = fieldImageLayout(16, { colormap: "rdbu", ...range });
    for (let k = 0; k < 5; k++) {
      const png = decodePng(join(out, "frames", `vorticity_${String(k).padStart(4, "0")}.png`));
      expect([png.width, png.height]).toEqual([layout.width, layout.height]);
      for (const [i, j] of [
        [0, 0],
        [3, 11],
        [15, 15],
        [8, 2],
      ]) {
        // cell (i, j) is drawn at x = 8 + i*scale, y = 8 + (15 - j)*scale (y upwards)
        const px = 8 + i * layout.scale + 1;
        const py = 8 + (15 - j) * layout.scale + 1;
        const o = (py * png.width + px) * 4;
        const expected = colorOf("rdbu", data[(i * 16 + j) * 5 + k], range.vmin, range.vmax);
        expect([png.data[o], png.data[o + 1], png.data[o + 2]]).toEqual(expected);
      }
      // colour bar: darkest red (#67001f) at the top, darkest blue (#053061) at the bottom
      const top = (8 * png.width + layout.barX + 4) * 4;
      const bottom = ((8 + 16 * layout.scale - 1) * png.width + layout.barX + 4) * 4;
      expect([png.data[top], png.data[top + 1], png.data[top + 2]]).toEqual([0x67, 0x00, 0x1f]);
      expect([png.data[bottom], png.data[bottom + 1], png.data[bottom + 2]]).toEqual([
        0x05, 0x30, 0x61,
      ]);
      // tick labels: black pixels right of the bar
      let black = 0;
      for (let y = 0; y < png.height; y++)
        for (let x = layout.barX + 20; x < png.width; x++) {
          const q = (y * png.width + x) * 4;
          if (png.data[q] === 0 && png.data[q + 1] === 0 && png.data[q + 2] === 0) black++;
        }
      expect(black).toBeGreaterThan(50);
    }
  });

  it("writes an animated GIF with one frame per snapshot", () => {
    const gif = readFileSync(join(out, "vorticity.gif"));
    expect(gif.subarray(0, 6).toString("latin1")).toBe("GIF89a");
    const width = gif.readUInt16LE(6);
    const height = gif.readUInt16LE(8);
    const png = decodePng(join(out, "vorticity_final.png"));
    expect([width, height]).toEqual([png.width, png.height]);
    // each frame starts with a graphic control extension 0x21 0xF9 0x04
    let frames = 0;
    for (let i = 0; i + 2 < gif.length; i++)
      if (gif[i] === 0x21 && gif[i + 1] === 0xf9 && gif[i + 2] === 0x04) frames++;
    expect(frames).toBe(5);
  });

  it("writes HTML and Markdown reports with the parameters, diagnostics and charts", () => {
    const md = readFileSync(join(out, "report.md"), "utf8");
    const html = readFileSync(join(out, "report.html"), "utf8");
    for (const text of [
      "| nu | 0.001 |",
      "| s | 16 |",
      "| seed | 3 |",
      "energy",
      "enstrophy",
      "spectrum.png",
      "vorticity.gif",
    ])
      expect(md).toContain(text);
    expect(html).toContain("<td>nu</td>");
    expect(html).toContain('<img src="spectrum.png"');
    for (const chart of ["energy.png", "enstrophy.png", "spectrum.png"]) {
      const png = decodePng(join(out, chart));
      expect([png.width, png.height]).toEqual([640, 400]);
    }
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as {
      times: number[];
      energy: number[];
    };
    expect(summary.times).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(summary.energy.every((e) => e > 0)).toBe(true);
  });
});

describe("modewise-pde solve, other problems", () => {
  it("burgers writes profiles, the (x, t) diagram, a GIF and a report; darcy its two fields", () => {
    const b = tmp.path("burgers");
    const rb = runCli([
      "solve",
      "--problem",
      "burgers",
      "--s",
      "64",
      "--T",
      "0.2",
      "--record-every",
      "0.05",
      "--out",
      b,
    ]);
    expect(rb.status).toBe(0);
    expect(rb.stdout).toMatch(/solved Burgers s=64, nu=0.1, T=0.2/);
    const u = readNpy(join(b, "u.npy"));
    expect(u.shape).toEqual([1, 64, 5]);
    for (const f of ["profiles.png", "spacetime.png", "energy.png"])
      expect(decodePng(join(b, f)).width).toBeGreaterThan(100);
    expect(readFileSync(join(b, "u.gif")).subarray(0, 6).toString("latin1")).toBe("GIF89a");
    expect(readFileSync(join(b, "report.md"), "utf8")).toContain("| problem | burgers |");

    const d = tmp.path("darcy");
    const rd = runCli(["solve", "--problem", "darcy", "--s", "17", "--out", d]);
    expect(rd.status).toBe(0);
    expect(rd.stdout).toMatch(/solved Darcy 17\^2: \d+ CG iterations/);
    const coeff = readNpy(join(d, "coeff.npy"));
    expect(new Set(coeff.data as Float64Array)).toEqual(new Set([4, 12]));
    const png = decodePng(join(d, "coefficient.png"));
    // a two-valued field shows exactly the two ends of viridis inside the image area
    const o = ((8 + 1) * png.width + 8 + 1) * 4;
    const corner = [png.data[o], png.data[o + 1], png.data[o + 2]];
    expect([colorOf("viridis", 4, 4, 12), colorOf("viridis", 12, 4, 12)]).toContainEqual(corner);
    expect(readFileSync(join(d, "report.md"), "utf8")).toContain("CG iterations");
  }, 30_000);
});
