import { describe, expect, it } from "vitest";
import {
  moduleSpecifiers,
  packageNameOf,
  parseSummary,
  shortName,
  summaryLine,
  topologicalOrder,
  undeclaredImports,
  unpublishableRanges,
} from "../lib.mjs";

describe("moduleSpecifiers", () => {
  it("finds static, re-export, side-effect, dynamic and require specifiers", () => {
    const source = [
      'import { a } from "./a.js";',
      'import * as nd from "ndarray";',
      'import "side-effect";',
      'export { b } from "@modewise/tensor";',
      'export * from "./c.js";',
      'const d = await import("node:fs");',
      'const e = require("iota-array");',
    ].join("\n");
    expect(moduleSpecifiers(source).sort()).toEqual(
      [
        "./a.js",
        "./c.js",
        "@modewise/tensor",
        "iota-array",
        "ndarray",
        "node:fs",
        "side-effect",
      ].sort(),
    );
  });
});

describe("packageNameOf", () => {
  it("maps bare specifiers to package names and ignores the rest", () => {
    expect(packageNameOf("ndarray")).toBe("ndarray");
    expect(packageNameOf("lodash/fp")).toBe("lodash");
    expect(packageNameOf("@modewise/tensor/internal")).toBe("@modewise/tensor");
    expect(packageNameOf("./x.js")).toBeNull();
    expect(packageNameOf("/abs/x.js")).toBeNull();
    expect(packageNameOf("#internal")).toBeNull();
    expect(packageNameOf("node:path")).toBeNull();
    expect(packageNameOf("fs")).toBeNull();
    expect(packageNameOf("fs/promises")).toBeNull();
  });
});

describe("undeclaredImports", () => {
  const manifest = {
    name: "@modewise/nn",
    dependencies: { "@modewise/tensor": "^0.1.0" },
    peerDependencies: { torchlike: "*" },
  };
  it("accepts declared dependencies, builtins and self-references", () => {
    const source =
      'import "@modewise/tensor"; import "torchlike"; import "node:fs"; import "@modewise/nn/x";';
    expect(undeclaredImports([source], manifest)).toEqual([]);
  });
  it("reports packages that only resolve through hoisting", () => {
    expect(
      undeclaredImports(['import nd from "ndarray";', 'require("iota-array")'], manifest),
    ).toEqual(["iota-array", "ndarray"]);
  });
});

describe("unpublishableRanges", () => {
  it("flags workspace, link and file ranges", () => {
    expect(
      unpublishableRanges({
        dependencies: { a: "workspace:^", b: "^1.0.0", c: "file:../c" },
        peerDependencies: { d: "link:../d" },
      }),
    ).toEqual([
      "dependencies.a=workspace:^",
      "dependencies.c=file:../c",
      "peerDependencies.d=link:../d",
    ]);
  });
});

describe("topologicalOrder", () => {
  it("puts dependencies first", () => {
    const order = topologicalOrder([
      { name: "@modewise/nn", dependencies: { "@modewise/tensor": "workspace:^" } },
      { name: "@modewise/tensor", dependencies: { ndarray: "^1.0.19" } },
    ]);
    expect(order.map((m) => m.name)).toEqual(["@modewise/tensor", "@modewise/nn"]);
  });
  it("rejects cycles", () => {
    expect(() =>
      topologicalOrder([
        { name: "a", dependencies: { b: "1" } },
        { name: "b", dependencies: { a: "1" } },
      ]),
    ).toThrow(/cycle/);
  });
});

describe("summary lines", () => {
  it("round-trips the closing line", () => {
    expect(summaryLine(17, 1)).toBe("release-check: 17 passed, 1 failed");
    expect(parseSummary(`noise\n${summaryLine(17, 1)}\n`)).toEqual({
      passed: 17,
      failed: 1,
      skipped: 0,
    });
    expect(parseSummary("3 passed, 0 failed, 2 skipped")).toEqual({
      passed: 3,
      failed: 0,
      skipped: 2,
    });
    expect(parseSummary("no summary here")).toBeNull();
  });
  it("derives smoke file names from package names", () => {
    expect(shortName("@modewise/tensor")).toBe("tensor");
    expect(shortName("plain")).toBe("plain");
  });
});
