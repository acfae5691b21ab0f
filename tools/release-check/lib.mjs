// Pure helpers of the release check, kept apart from run.mjs so that they can be unit-tested.
import { builtinModules } from "node:module";

const BUILTINS = new Set(builtinModules);

/** Module specifiers of static imports, re-exports, dynamic imports and require() calls. */
export function moduleSpecifiers(source) {
  const found = new Set();
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?["']([^"'\n]+)["']/g,
    /\bimport\s*\(\s*["']([^"'\n]+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"'\n]+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) found.add(match[1]);
  }
  return [...found];
}

/** The package a bare specifier loads ("@scope/name" or "name"); null for relative, absolute, URL and built-in specifiers. */
export function packageNameOf(specifier) {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("#")) {
    return null;
  }
  if (/^[a-z][a-z0-9+.-]*:/i.test(specifier)) return null;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  if (BUILTINS.has(name)) return null;
  return name;
}

/** Packages imported by the sources but not declared by the manifest, sorted. */
export function undeclaredImports(sources, manifest) {
  const declared = new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
  ]);
  const missing = new Set();
  for (const source of sources) {
    for (const specifier of moduleSpecifiers(source)) {
      const name = packageNameOf(specifier);
      if (name !== null && !declared.has(name)) missing.add(name);
    }
  }
  return [...missing].sort();
}

/** Dependency ranges that a registry consumer cannot resolve (workspace:, link:, file:, catalog:). */
export function unpublishableRanges(manifest) {
  const bad = [];
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies"]) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (/^(workspace|link|file|catalog|portal):/.test(String(range))) {
        bad.push(`${field}.${name}=${range}`);
      }
    }
  }
  return bad;
}

/** Orders workspace packages so that each comes after the workspace packages it depends on. */
export function topologicalOrder(manifests) {
  const byName = new Map(manifests.map((m) => [m.name, m]));
  const order = [];
  const state = new Map();
  const visit = (manifest, trail) => {
    if (state.get(manifest.name) === "done") return;
    if (state.get(manifest.name) === "visiting") {
      throw new Error(`dependency cycle: ${[...trail, manifest.name].join(" -> ")}`);
    }
    state.set(manifest.name, "visiting");
    const deps = { ...manifest.dependencies, ...manifest.peerDependencies };
    for (const dep of Object.keys(deps).sort()) {
      const target = byName.get(dep);
      if (target) visit(target, [...trail, manifest.name]);
    }
    state.set(manifest.name, "done");
    order.push(manifest);
  };
  for (const manifest of [...manifests].sort((a, b) => a.name.localeCompare(b.name))) {
    visit(manifest, []);
  }
  return order;
}

/** The short name used for smoke files: "@modewise/tensor" -> "tensor". */
export function shortName(packageName) {
  return packageName.replace(/^@[^/]+\//, "");
}

export function summaryLine(passed, failed) {
  return `release-check: ${passed} passed, ${failed} failed`;
}

/** Reads "N passed, N failed[, N skipped]" from the last such line of a log. */
export function parseSummary(text) {
  const lines = text.split(/\r?\n/).reverse();
  for (const line of lines) {
    const match = /^(?:[\w:-]+:\s+)?(\d+) passed, (\d+) failed(?:, (\d+) skipped)?\s*$/.exec(
      line.trim(),
    );
    if (match) {
      return {
        passed: Number(match[1]),
        failed: Number(match[2]),
        skipped: match[3] === undefined ? 0 : Number(match[3]),
      };
    }
  }
  return null;
}
