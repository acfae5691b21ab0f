/**
 * Options validation: unknown keys, wrong types and out-of-range values are named in the error
 * (zod schemas), config files in YAML and JSON, flags overriding the file, and the CLI's exit
 * status 2 with the message on stderr.
 */
import { writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import {
  ConfigError,
  generateSchema,
  loadConfigFile,
  mergeOptions,
  solveSchema,
  validate,
} from "../src/index.js";
import { runCli, tempDir } from "./helpers.js";

const tmp = tempDir("config");
afterAll(() => tmp.cleanup());

function problems(input: Record<string, unknown>): string {
  try {
    validate(solveSchema, input, "test");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("no ConfigError thrown");
}

describe("solve options", () => {
  it("fills the documented defaults (64^2, nu 1e-3, FNO forcing)", () => {
    const c = validate(solveSchema, {}, "test");
    expect([c.s, c.nu, c.T, c.forcing, c.scheme, c.colormap]).toEqual([
      64,
      1e-3,
      50,
      "fno",
      "ifrk4",
      "rdbu",
    ]);
  });

  it("names unknown keys, wrong types and out-of-range values", () => {
    expect(problems({ viscosity: 1 })).toMatch(/unknown key 'viscosity'/);
    expect(problems({ nu: "small" })).toMatch(
      /'nu': expected a viscosity \(a number\), got 'small'/,
    );
    expect(problems({ nu: -1 })).toMatch(/'nu': expected a viscosity > 0, got -1/);
    expect(problems({ s: 15 })).toMatch(
      /'s': expected an even grid size \(periodic FFT grid\), got 15/,
    );
    expect(problems({ s: 4096 })).toMatch(/'s': expected an integer <= 1024, got 4096/);
    expect(problems({ forcing: "wind" })).toMatch(
      /'forcing'.*"fno"\|"kolmogorov"\|"none".*got 'wind'/,
    );
    expect(problems({ T: 1, recordEvery: 0.3 })).toMatch(
      /'recordEvery': recordEvery must divide T/,
    );
    // 50001 snapshots of 64^2 (a 1.6 GB trajectory, 50001 PNG frames) is refused up front
    expect(problems({ T: 50, recordEvery: 1e-3 })).toMatch(
      /'recordEvery': expected at most 10000 snapshots .* got 0.001/,
    );
    // Burgers: 10001 snapshots; NS: 201 snapshots of 1024^2 = 2.1e8 values > 2^27
    expect(problems({ problem: "burgers", s: 2048, T: 1, recordEvery: 1e-4 })).toMatch(
      /at most 10000 snapshots/,
    );
    expect(problems({ s: 1024, T: 200, recordEvery: 1 })).toMatch(/at most 2\^27 stored values/);
    expect(() => validate(solveSchema, { s: 1024, T: 50, recordEvery: 1 }, "test")).not.toThrow();
    // several problems are all reported at once
    const many = problems({ nu: 0, s: 3.5, colour: "red" });
    expect(many.split("\n").length).toBe(4);
  });

  it("loads YAML and JSON files; flags override the file", () => {
    const yaml = tmp.path("c.yaml");
    writeFileSync(yaml, "nu: 1.0e-4\ns: 32\n");
    const json = tmp.path("c.json");
    writeFileSync(json, JSON.stringify({ nu: 1e-5, T: 20 }));
    expect(loadConfigFile(yaml)).toEqual({ nu: 1e-4, s: 32 });
    expect(loadConfigFile(json)).toEqual({ nu: 1e-5, T: 20 });
    const merged = mergeOptions(loadConfigFile(yaml), { s: 16, nu: undefined, config: yaml });
    expect(merged).toEqual({ nu: 1e-4, s: 16 });
    const bad = tmp.path("bad.yaml");
    writeFileSync(bad, "nu: [1, 2\n");
    expect(() => loadConfigFile(bad)).toThrow(/not valid YAML/);
    const list = tmp.path("list.json");
    writeFileSync(list, "[1, 2]");
    expect(() => loadConfigFile(list)).toThrow(/mapping of options, got a list/);
    expect(() => loadConfigFile(tmp.path("none.yaml"))).toThrow(/does not exist/);
  });

  it("generate options name their problems too", () => {
    expect(() => validate(generateSchema, { preset: "ns-1e-2" }, "test")).toThrow(
      /'preset'.*got 'ns-1e-2'/,
    );
    expect(() => validate(generateSchema, { chunkSize: 0 }, "test")).toThrow(
      /'chunkSize': expected an integer >= 1, got 0/,
    );
  });
});

describe("CLI errors", () => {
  it("a bad config file exits with status 2 and names the key on stderr", () => {
    const cfg = tmp.path("bad-values.yaml");
    writeFileSync(cfg, "nu: -0.5\ngrid: 64\n");
    const r = runCli(["solve", "--config", cfg]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown key 'grid'/);
    expect(r.stderr).toMatch(/'nu': expected a viscosity > 0, got -0.5/);
  }, 20_000);

  it("a non-numeric flag and a corrupt file are reported, not turned into NaN or a stack trace", () => {
    const r = runCli(["solve", "--nu", "abc"]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/expected a number, got 'abc'/);
    const junk = tmp.path("junk.h5");
    writeFileSync(junk, "not hdf5");
    const i = runCli(["inspect", junk]);
    expect(i.status).toBe(2);
    expect(i.stderr).toMatch(/neither signature/);
    expect(i.stderr).not.toMatch(/at .*\.js:\d+/);
  }, 20_000);
});
