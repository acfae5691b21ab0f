// Runs verdaccio on 127.0.0.1 with an OS-assigned free port, writes that port to a file, and exits
// as soon as its parent goes away (its stdin pipe closes), so the registry never outlives the check.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";

const [configPath, portFile] = process.argv.slice(2);
if (!configPath || !portFile) {
  console.error("usage: node verdaccio-host.mjs <config.yaml> <port-file>");
  process.exit(2);
}

const require = createRequire(import.meta.url);
const { runServer } = require("verdaccio");

process.stdin.on("end", () => process.exit(0));
process.stdin.on("close", () => process.exit(0));
process.stdin.resume();
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));

const server = await runServer(configPath);
server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  writeFileSync(portFile, `${address.port}\n`);
  console.log(`verdaccio listening on http://127.0.0.1:${address.port}/`);
});
