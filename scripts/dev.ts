// `npm run dev [-- --port N --console-port C --persist-to DIR]`: the whole local stack in one command.
// Regenerates the OpenAPI document (scripts/build-openapi.ts), copies .dev.vars.example to each
// Worker's .dev.vars when missing, applies the migrations and seeds the demo data (idempotent),
// starts the evaluation Worker on N (default 8787) and the admin Worker on N + 1 (scripts/dev/stack.ts:
// workerd with local D1, KV and Durable Objects persisted under DIR), builds and serves the admin
// console on C (default N + 2; scripts/dev-console.ts), waits until all three answer, then prints where
// everything is. Ctrl-C (or SIGTERM) stops every process; this one exits with them.
import { buildOpenApi } from "./build-openapi";
import { consoleReady, startConsole } from "./dev-console";
import { argValue, DEFAULT_PERSIST_DIR, seedLocal } from "./seed";
import { answers, DEFAULT_PORT, describeStack, devPorts, ensureDevVars, registryPath, startWorkers } from "./dev/stack";

const HEALTH_TIMEOUT_MS = 120_000;

const args = process.argv.slice(2);
const port = Number(argValue(args, "--port") ?? DEFAULT_PORT);
const persistTo = argValue(args, "--persist-to") ?? DEFAULT_PERSIST_DIR;
const consolePort = Number(argValue(args, "--console-port") ?? port + 2);
if (!Number.isInteger(port) || port < 1 || port > 65534) {
  console.error(`--port must be an integer in 1..65534 (the admin Worker takes the next port)`);
  process.exit(2);
}
if (!Number.isInteger(consolePort) || consolePort < 1 || consolePort > 65535 || consolePort === port || consolePort === port + 1) {
  console.error(`--console-port must be an integer in 1..65535 other than --port and --port + 1`);
  process.exit(2);
}

if (await buildOpenApi()) console.log("Regenerated workers/evaluation/openapi/openapi.json (the schemas changed)");
for (const file of await ensureDevVars()) console.log(`Created ${file} from its .dev.vars.example (local-only values)`);
await seedLocal(persistTo);

const ports = devPorts(port);
const children = startWorkers(ports, persistTo);
// The console's API binding finds the admin Worker through the stack's private dev registry.
const adminConsole = await startConsole({ port: consolePort, persistTo: `${persistTo}/console`, registryPath: registryPath(persistTo) });
const processes = [...children, adminConsole.process];
const stopAll = (signal: NodeJS.Signals) => processes.forEach((child) => child.kill(signal));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stopAll(signal));
// One process ending ends the stack: the others are useless without it.
for (const child of processes) {
  child.on("exit", (code, signal) => {
    stopAll("SIGTERM");
    process.exit(code ?? (signal ? 1 : 0));
  });
}

const alive = () => processes.every((child) => child.exitCode === null);
const urls = [`http://127.0.0.1:${ports.evaluation}/health`, `http://127.0.0.1:${ports.admin}/health`];
const ready = await Promise.all(urls.map((url) => answers(url, HEALTH_TIMEOUT_MS, alive)));
const consoleUp = ready.every(Boolean) && await consoleReady(adminConsole);
if (consoleUp) {
  console.log(["", ...describeStack(ports, persistTo, adminConsole.url), ""].join("\n"));
} else {
  const late = [...urls.filter((_, i) => !ready[i]), ...(ready.every(Boolean) ? [adminConsole.url] : [])];
  console.error(`No answer from ${late.join(", ")} within ${HEALTH_TIMEOUT_MS / 1000} s; wrangler keeps running.`);
}
