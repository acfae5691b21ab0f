import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { defineConfig } from "vitest/config";

// One vitest project per workspace folder that has a test/ directory. Tests import the packages
// by their public names (@modewise/tensor), which resolve through node_modules to dist/, so
// `turbo run build` must run first (the root `test` script does that).
const workspaceGroups = ["packages", "apps", "tools"];

function projectName(dir: string): string {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      name?: string;
    };
    return manifest.name ?? dir;
  } catch {
    return dir;
  }
}

const projects = workspaceGroups.flatMap((group) =>
  existsSync(group)
    ? readdirSync(group, { withFileTypes: true })
        .filter((entry) => entry.isDirectory() && existsSync(join(group, entry.name, "test")))
        .map((entry) => {
          const dir = join(group, entry.name);
          return {
            extends: true as const,
            test: {
              name: projectName(dir),
              root: dir,
              include: ["test/**/*.test.{ts,mts,js,mjs}"],
              environment: "node" as const,
            },
          };
        })
    : [],
);

export default defineConfig({
  test: {
    projects,
    passWithNoTests: true,
    exclude: ["**/node_modules/**", "**/dist/**"],
  },
});
