// `npm run dev [-- --port N --persist-to DIR]`: the whole local stack in one command. Applies the
// migrations and seeds the demo data (idempotent), starts `wrangler dev` on 127.0.0.1 (workerd with
// local D1, KV and Durable Objects persisted under DIR), waits until the Worker answers, then prints
// where everything is. Ctrl-C (or SIGTERM) stops wrangler; this process exits with it.
import { DEMO_PASSWORD, DEMO_SECRETS } from "../db/seed/demo-data";
import { consoleReady, startConsole } from "./dev-console";
import { argValue, DEFAULT_PERSIST_DIR, seedLocal, spawnWrangler } from "./seed";

const HEALTH_TIMEOUT_MS = 120_000;

const args = process.argv.slice(2);
const port = Number(argValue(args, "--port") ?? 8787);
const persistTo = argValue(args, "--persist-to") ?? DEFAULT_PERSIST_DIR;
const consolePort = Number(argValue(args, "--console-port") ?? 8789);
if (![port, consolePort].every((p) => Number.isInteger(p) && p >= 1 && p <= 65535)) {
  console.error(`--port and --console-port must be integers in 1..65535`);
  process.exit(2);
}

await seedLocal(persistTo);

const wrangler = spawnWrangler([
  "dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persistTo, "--show-interactive-dev-session=false",
]);
// Until the admin Worker is split out (fluxgate-admin), the one Worker named "fluxgate" serves /graphql.
const adminConsole = await startConsole({ port: consolePort, persistTo: `${persistTo}/console`, apiWorker: "fluxgate" });
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    adminConsole.stop(signal);
    wrangler.kill(signal);
  });
}
wrangler.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

const base = `http://127.0.0.1:${port}`;
if (await answers(`${base}/health`, HEALTH_TIMEOUT_MS) && await consoleReady(adminConsole)) {
  console.log([
    "",
    "FluxGate is running (local D1/KV/Durable Objects, persisted in " + persistTo + ")",
    `  Console      ${adminConsole.url}  (sign in as teamadmin / ${DEMO_PASSWORD})`,
    `  API          ${base}/evaluate`,
    `  OFREP        ${base}/ofrep/v1`,
    `  Live stream  ${base.replace(/^http/, "ws")}/v1/stream  (WebSocket, SDK local mode)`,
    `  Admin API    ${base}/graphql  (GraphiQL; sign in as admin@acme.test / ${DEMO_PASSWORD})`,
    `  API docs     ${base}/docs`,
    `  Health       ${base}/health`,
    "Demo client secrets (local only):",
    ...Object.entries(DEMO_SECRETS).map(([name, secret]) => `  ${name.padEnd(12)} ${secret}`),
    `Try: curl -s -X POST ${base}/ofrep/v1/evaluate/flags/BetaUsers -H 'Authorization: Bearer ${DEMO_SECRETS.development}' \\`,
    `       -H 'Content-Type: application/json' -d '{"context":{"targetingKey":"user-1","role":"admin"}}'`,
    "",
  ].join("\n"));
} else {
  console.error(`The Worker (${base}/health) or the console (${adminConsole.url}) did not answer in time; wrangler keeps running.`);
}

/** True once `url` gives any HTTP response (the Worker is serving), false after `timeoutMs`. */
async function answers(url: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && wrangler.exitCode === null) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return true;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  return false;
}
