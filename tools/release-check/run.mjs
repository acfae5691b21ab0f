#!/usr/bin/env node
// Release rehearsal: version, build and publish every public workspace package to a throwaway
// local registry (verdaccio on 127.0.0.1), then install each package ALONE in an empty npm project
// and prove that it loads, type-checks and brings in nothing but its declared dependencies.
//
//   npx pnpm@12.4.2 release:check        (RELEASE_CHECK_KEEP=1 keeps the temp folders)
//
// Prints one line per check and ends with `release-check: N passed, N failed`; exits 1 on any
// failure. Logs of every command go to .release-check/logs/.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  shortName,
  summaryLine,
  topologicalOrder,
  undeclaredImports,
  unpublishableRanges,
} from "./lib.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../..");
const rootManifest = readJson(path.join(repoRoot, "package.json"));
const pnpmSpec = rootManifest.packageManager?.split("+")[0] ?? "pnpm@12.4.2";
const typescriptVersion = rootManifest.devDependencies?.typescript ?? "5.9.3";
const keep = process.env.RELEASE_CHECK_KEEP === "1";
const workspaceGroups = ["packages", "apps", "tools"];
// NOTICE: third-party attributions a package must ship (qmc: the Joe-Kuo direction numbers).
const allowedInTarball =
  /^(dist|package\.json|README(\..*)?|LICENSE(\..*)?|NOTICE(\..*)?|CHANGELOG\.md)$/i;
const commandTimeoutMs = 5 * 60 * 1000;

const logDir = path.join(repoRoot, ".release-check", "logs");
fs.rmSync(logDir, { recursive: true, force: true });
fs.mkdirSync(logDir, { recursive: true });
const work = fs.mkdtempSync(path.join(os.tmpdir(), "modewise-release-check-"));
const scratch = path.join(work, "repo");

const results = [];
let registry = null;
let logCounter = 0;
const startedAt = Date.now();

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, "utf8"));
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

function record(ok, name, detail, ms) {
  results.push({ ok, name, detail });
  const timing = ms === undefined ? "" : ` (${seconds(ms)})`;
  const line = ok
    ? `ok   ${name}${detail ? ` - ${detail}` : ""}${timing}`
    : `FAIL ${name}${detail ? `: ${detail}` : ""}${timing}`;
  console.log(line);
  return ok;
}

/** Runs one check: fn returns a detail string (pass) or throws (fail). */
async function check(name, fn) {
  const t0 = Date.now();
  try {
    const detail = await fn();
    return record(true, name, detail ?? "", Date.now() - t0);
  } catch (error) {
    return record(
      false,
      name,
      error instanceof Error ? error.message : String(error),
      Date.now() - t0,
    );
  }
}

/** Environment for child commands: without the npm_/pnpm_ variables of the outer `pnpm run`. */
function childEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|PNPM_|INIT_CWD$|TURBO_HASH$)/i.test(key)) continue;
    env[key] = value;
  }
  const noProxy = ["127.0.0.1", "localhost", env.NO_PROXY ?? env.no_proxy]
    .filter(Boolean)
    .join(",");
  return { ...env, NO_PROXY: noProxy, no_proxy: noProxy, TURBO_TELEMETRY_DISABLED: "1", ...extra };
}

function tail(file, lines = 25) {
  try {
    const text = fs.readFileSync(file, "utf8").trimEnd().split("\n");
    return text
      .slice(-lines)
      .map((line) => `       | ${line}`)
      .join("\n");
  } catch {
    return "";
  }
}

/** Runs a command synchronously with its output in a log file; throws with the log's tail on failure. */
function exec(label, command, args, { cwd, env = childEnv(), timeoutMs = commandTimeoutMs } = {}) {
  logCounter += 1;
  const logFile = path.join(
    logDir,
    `${String(logCounter).padStart(2, "0")}-${label.replace(/[^\w.-]+/g, "_")}.log`,
  );
  const fd = fs.openSync(logFile, "w");
  fs.writeSync(fd, `$ ${command} ${args.join(" ")}\n# cwd: ${cwd}\n\n`);
  const result = spawnSync(command, args, {
    cwd,
    env,
    stdio: ["ignore", fd, fd],
    timeout: timeoutMs,
    killSignal: "SIGKILL",
  });
  fs.closeSync(fd);
  if (result.error || result.status !== 0) {
    const why = result.error
      ? result.error.message
      : result.signal
        ? `killed by ${result.signal}${result.signal === "SIGKILL" ? " (timeout)" : ""}`
        : `exit code ${result.status}`;
    throw new Error(
      `${command} ${args.join(" ")} failed: ${why}; log ${logFile}\n${tail(logFile)}`,
    );
  }
  return fs.readFileSync(logFile, "utf8");
}

function pnpm(label, args, options) {
  return exec(label, "npx", ["--yes", pnpmSpec, ...args], options);
}

/** Files to copy: tracked and untracked-but-not-ignored (so uncommitted work is rehearsed too). */
function repoFiles() {
  const git = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: repoRoot,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  if (git.status === 0) return git.stdout.split("\0").filter(Boolean);
  const files = [];
  const skip = new Set(["node_modules", "dist", ".git", ".turbo", ".release-check", "coverage"]);
  const walk = (rel) => {
    for (const entry of fs.readdirSync(path.join(repoRoot, rel), { withFileTypes: true })) {
      if (skip.has(entry.name)) continue;
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else files.push(child);
    }
  };
  walk("");
  return files;
}

function copyRepo() {
  let count = 0;
  for (const rel of repoFiles()) {
    const from = path.join(repoRoot, rel);
    let stat;
    try {
      stat = fs.lstatSync(from);
    } catch {
      continue; // deleted in the working tree but still tracked
    }
    const to = path.join(scratch, rel);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    if (stat.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(from), to);
    else if (stat.isFile()) fs.copyFileSync(from, to);
    else continue;
    count += 1;
  }
  return count;
}

function workspaceManifests(root) {
  const manifests = [];
  for (const group of workspaceGroups) {
    const groupDir = path.join(root, group);
    if (!fs.existsSync(groupDir)) continue;
    for (const entry of fs.readdirSync(groupDir, { withFileTypes: true })) {
      const file = path.join(groupDir, entry.name, "package.json");
      if (entry.isDirectory() && fs.existsSync(file)) {
        manifests.push({ ...readJson(file), dir: path.join(groupDir, entry.name) });
      }
    }
  }
  return manifests;
}

function publicManifests(root) {
  return topologicalOrder(workspaceManifests(root).filter((m) => m.private !== true));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function startRegistry() {
  const dir = path.join(work, "registry");
  fs.mkdirSync(dir, { recursive: true });
  const config = [
    `storage: ${JSON.stringify(path.join(dir, "storage"))}`,
    "auth:",
    "  htpasswd:",
    `    file: ${JSON.stringify(path.join(dir, "htpasswd"))}`,
    "    max_users: 10",
    // No uplinks: the registry serves only what this check publishes. Third-party dependencies
    // come from the consumer's normal registry (see the consumer .npmrc below).
    "uplinks: {}",
    "packages:",
    "  '@modewise/*':",
    "    access: $all",
    "    publish: $authenticated",
    "    unpublish: $authenticated",
    "  '**':",
    "    access: $all",
    "    publish: $authenticated",
    "max_body_size: 200mb",
    "web:",
    "  enable: false",
    "middlewares:",
    "  audit:",
    "    enabled: false",
    "log: { type: stdout, format: pretty, level: warn }",
    "",
  ].join("\n");
  const configPath = path.join(dir, "config.yaml");
  const portFile = path.join(dir, "port");
  fs.writeFileSync(configPath, config);
  const logFile = path.join(logDir, "verdaccio.log");
  const logFd = fs.openSync(logFile, "w");
  // stdin stays an open pipe: when this process dies for any reason, verdaccio-host sees EOF and exits.
  const child = spawn(
    process.execPath,
    [path.join(here, "verdaccio-host.mjs"), configPath, portFile],
    { cwd: dir, env: childEnv(), stdio: ["pipe", logFd, logFd] },
  );
  fs.closeSync(logFd);
  let exited = null;
  child.on("exit", (code, signal) => {
    exited = { code, signal };
  });
  registry = { child, url: null, logFile };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) {
      throw new Error(`verdaccio exited (${exited.code ?? exited.signal})\n${tail(logFile)}`);
    }
    if (fs.existsSync(portFile)) {
      const port = Number(fs.readFileSync(portFile, "utf8").trim());
      if (port > 0) {
        const url = `http://127.0.0.1:${port}/`;
        try {
          const response = await fetch(`${url}-/ping`);
          if (response.ok) {
            registry.url = url;
            return url;
          }
        } catch {
          // not accepting connections yet
        }
      }
    }
    await sleep(100);
  }
  throw new Error(`verdaccio did not answer /-/ping within 60 s\n${tail(logFile)}`);
}

async function stopRegistry() {
  if (!registry) return;
  const { child } = registry;
  registry = null;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timedOut = await Promise.race([gone.then(() => false), sleep(5000).then(() => true)]);
  if (timedOut) {
    child.kill("SIGKILL");
    await gone;
  }
}

function killRegistryNow() {
  if (registry?.child && registry.child.exitCode === null) registry.child.kill("SIGKILL");
}

process.on("exit", killRegistryNow);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    killRegistryNow();
    console.log(`release-check: interrupted by ${signal}`);
    process.exit(1);
  });
}

async function createToken(url) {
  const name = "release-check";
  const response = await fetch(`${url}-/user/org.couchdb.user:${name}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      _id: `org.couchdb.user:${name}`,
      name,
      password: randomBytes(18).toString("hex"),
      email: "release-check@localhost",
      type: "user",
      roles: [],
      date: new Date().toISOString(),
    }),
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok || typeof body.token !== "string") {
    throw new Error(`adduser answered ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.token;
}

function registryAuthLine(url, token) {
  return `//${url.replace(/^https?:\/\//, "")}:_authToken=${token}`;
}

function listFiles(dir, predicate, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && entry.name !== "node_modules") listFiles(full, predicate, out);
    else if (entry.isFile() && predicate(entry.name)) out.push(full);
  }
  return out;
}

async function consumerChecks(manifest, url) {
  const name = manifest.name;
  const short = shortName(name);
  const smokeJs = path.join(here, "smoke", `${short}.mjs`);
  const smokeTs = path.join(here, "smoke", `${short}.ts`);
  const dir = path.join(work, "consumers", short);
  fs.mkdirSync(dir, { recursive: true });
  const installed = path.join(dir, "node_modules", ...name.split("/"));

  const installedOk = await check(`install ${name}@${manifest.version} alone`, () => {
    exec(`npm-init-${short}`, "npm", ["init", "-y"], { cwd: dir });
    exec(`npm-type-${short}`, "npm", ["pkg", "set", "type=module", "private=true"], { cwd: dir });
    // @modewise/* comes only from the local registry; anything else (the package's declared
    // third-party dependencies, typescript) from the normal registry.
    fs.writeFileSync(
      path.join(dir, ".npmrc"),
      [
        `@modewise:registry=${url}`,
        "omit-lockfile-registry-resolved=false",
        "audit=false",
        "fund=false",
        "update-notifier=false",
        "",
      ].join("\n"),
    );
    exec(
      `npm-install-${short}`,
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        `${name}@${manifest.version}`,
        `typescript@${typescriptVersion}`,
      ],
      { cwd: dir },
    );
    const lock = readJson(path.join(dir, "package-lock.json"));
    const local = Object.entries(lock.packages ?? {}).filter(([key]) =>
      key.startsWith("node_modules/@modewise/"),
    );
    const wrongSource = local.filter(([, info]) => !String(info.resolved ?? "").startsWith(url));
    if (wrongSource.length > 0) {
      throw new Error(
        `not served by the local registry: ${wrongSource.map(([k, v]) => `${k} (${v.resolved})`).join(", ")}`,
      );
    }
    const thirdParty = Object.keys(lock.packages ?? {}).filter(
      (key) => key.startsWith("node_modules/") && !key.startsWith("node_modules/@modewise/"),
    ).length;
    return `${local.length} @modewise package(s) from the local registry, ${thirdParty} other(s) incl. typescript`;
  });
  if (!installedOk) return;

  await check(`manifest ${name}`, () => {
    const published = readJson(path.join(installed, "package.json"));
    const problems = [];
    if (published.version !== manifest.version) {
      problems.push(`version ${published.version}, expected ${manifest.version}`);
    }
    problems.push(...unpublishableRanges(published).map((r) => `unresolvable range ${r}`));
    const declared = Object.keys(manifest.dependencies ?? {})
      .sort()
      .join(",");
    const shipped = Object.keys(published.dependencies ?? {})
      .sort()
      .join(",");
    if (declared !== shipped) problems.push(`dependencies [${shipped}] != declared [${declared}]`);
    const extra = fs.readdirSync(installed).filter((entry) => !allowedInTarball.test(entry));
    if (extra.length > 0) problems.push(`unexpected files in the tarball: ${extra.join(", ")}`);
    const npmLs = spawnSync("npm", ["ls", "--all", "--json"], {
      cwd: dir,
      env: childEnv(),
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
    if (npmLs.status !== 0) {
      const problemsLs = (() => {
        try {
          return JSON.parse(npmLs.stdout).problems ?? [];
        } catch {
          return [npmLs.stderr.trim()];
        }
      })();
      problems.push(`npm ls: ${problemsLs.join("; ")}`);
    }
    if (problems.length > 0) throw new Error(problems.join("; "));
    const deps = Object.entries(published.dependencies ?? {}).map(([k, v]) => `${k}@${v}`);
    return `deps: ${deps.length > 0 ? deps.join(", ") : "none"}`;
  });

  await check(`imports ${name}`, () => {
    const published = readJson(path.join(installed, "package.json"));
    const files = listFiles(installed, (file) => /\.(m|c)?js$/.test(file));
    const sources = files.map((file) => fs.readFileSync(file, "utf8"));
    const missing = undeclaredImports(sources, published);
    if (missing.length > 0) {
      throw new Error(
        `imports undeclared packages: ${missing.join(", ")} (add them to dependencies)`,
      );
    }
    return `${files.length} JS file(s), every bare import declared`;
  });

  await check(`smoke ${name} (node ESM)`, () => {
    if (!fs.existsSync(smokeJs)) throw new Error(`missing ${path.relative(repoRoot, smokeJs)}`);
    fs.copyFileSync(smokeJs, path.join(dir, "smoke.mjs"));
    const output = exec(`smoke-${short}`, process.execPath, ["smoke.mjs"], { cwd: dir });
    return output.trimEnd().split("\n").pop();
  });

  await check(`types ${name} (tsc --strict, nodenext)`, () => {
    if (!fs.existsSync(smokeTs)) throw new Error(`missing ${path.relative(repoRoot, smokeTs)}`);
    fs.copyFileSync(smokeTs, path.join(dir, "smoke.ts"));
    const tsc = path.join(dir, "node_modules", "typescript", "bin", "tsc");
    exec(
      `tsc-${short}`,
      process.execPath,
      [
        tsc,
        "--noEmit",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--strict",
        "smoke.ts",
      ],
      { cwd: dir },
    );
    return `smoke.ts compiles against the published .d.ts (typescript ${typescriptVersion})`;
  });
}

async function main() {
  console.log(`release-check: rehearsing a release of ${repoRoot} in ${work}`);

  if (
    !(await check(
      "scratch copy of the repo",
      () => `${copyRepo()} files (tracked + untracked, no ignored)`,
    ))
  )
    return;

  if (
    !(await check("install (frozen lockfile)", () => {
      pnpm("pnpm-install", ["install", "--frozen-lockfile", "--prefer-offline"], { cwd: scratch });
      return "";
    }))
  ) {
    return;
  }

  const before = new Map(publicManifests(scratch).map((m) => [m.name, m.version]));
  if (
    !(await check("changeset version", () => {
      const bin = path.join(scratch, "node_modules", ".bin", "changeset");
      exec("changeset-version", bin, ["version"], { cwd: scratch });
      const bumps = publicManifests(scratch).map((m) =>
        before.get(m.name) === m.version
          ? `${m.name} ${m.version} (unchanged)`
          : `${m.name} ${before.get(m.name)} -> ${m.version}`,
      );
      return bumps.join(", ");
    }))
  ) {
    return;
  }

  if (
    !(await check("build", () => {
      pnpm("build", ["run", "build"], { cwd: scratch });
      return "turbo run build";
    }))
  ) {
    return;
  }

  const manifests = publicManifests(scratch);
  if (
    !(await check("public packages have smoke files", () => {
      if (manifests.length === 0) throw new Error("no public workspace packages found");
      const missing = manifests.flatMap((m) =>
        [".mjs", ".ts"]
          .map((ext) => `tools/release-check/smoke/${shortName(m.name)}${ext}`)
          .filter((rel) => !fs.existsSync(path.join(repoRoot, rel))),
      );
      if (missing.length > 0) throw new Error(`add ${missing.join(", ")}`);
      return manifests.map((m) => `${m.name}@${m.version}`).join(", ");
    }))
  ) {
    return;
  }

  let url;
  if (
    !(await check("local registry (verdaccio, no uplinks)", async () => {
      url = await startRegistry();
      const token = await createToken(url);
      const npmrc = path.join(scratch, ".npmrc");
      const existing = fs.existsSync(npmrc) ? fs.readFileSync(npmrc, "utf8") : "";
      fs.writeFileSync(npmrc, `${existing}\n${registryAuthLine(url, token)}\n`);
      return url;
    }))
  ) {
    return;
  }

  const published = [];
  for (const manifest of manifests) {
    const ok = await check(`publish ${manifest.name}@${manifest.version}`, async () => {
      pnpm(
        `publish-${shortName(manifest.name)}`,
        ["publish", "--registry", url, "--no-git-checks", "--access", "public", "--tag", "latest"],
        { cwd: manifest.dir },
      );
      const response = await fetch(`${url}${manifest.name.replace("/", "%2f")}`);
      const packument = response.ok ? await response.json() : {};
      if (!packument.versions?.[manifest.version]) {
        throw new Error(
          `the registry does not list ${manifest.name}@${manifest.version} after publishing`,
        );
      }
      return `tarball ${packument.versions[manifest.version].dist?.tarball ?? "?"}`;
    });
    if (ok) published.push(manifest);
  }

  // One package at a time, each in its own empty project.
  for (const manifest of published) await consumerChecks(manifest, url);
}

let exitCode = 0;
try {
  await main();
} catch (error) {
  record(false, "release-check", error instanceof Error ? error.stack : String(error));
} finally {
  await stopRegistry();
  if (keep) console.log(`release-check: kept ${work}`);
  else fs.rmSync(work, { recursive: true, force: true });
}
const passed = results.filter((r) => r.ok).length;
const failed = results.length - passed;
if (failed > 0) exitCode = 1;
console.log(
  `release-check: finished in ${seconds(Date.now() - startedAt)}; logs in ${path.relative(process.cwd(), logDir) || logDir}`,
);
console.log(summaryLine(passed, failed));
process.exit(exitCode);
