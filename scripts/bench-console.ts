// `npm run bench:console`: the admin console's figures (docs/BENCHMARKS.md).
// 1. JavaScript a browser downloads to show each screen: the entry, the route manifest, and every
//    module (with its static imports) of the route's chain (root > layout > route), gzip -9, from the
//    build's Vite manifest. Lazy chunks (the command palette) are not counted: they load on use.
// 2. Server render of the flags list (GET /flags, a signed-in team admin, the team holding 500+ flags)
//    through Pages Functions and the API service binding, under the real `npm run dev` stack.
import { readdirSync, readFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { startDevStack } from "../test/e2e/support/dev-stack";
import { adminGraphQL } from "../web/test/support";
import { buildConsole } from "./dev-console";
import { ROOT } from "./seed";

const BUILD = path.join(ROOT, "web/build");
const SCREENS: Record<string, string[]> = {
  "sign in": ["app/routes/login.tsx"],
  "flags list": ["app/routes/_app.tsx", "app/routes/_app.flags._index.tsx"],
  "flag page": ["app/routes/_app.tsx", "app/routes/_app.flags.$id.tsx"],
  "new flag": ["app/routes/_app.tsx", "app/routes/_app.flags.new.tsx"],
  approvals: ["app/routes/_app.tsx", "app/routes/_app.approvals.tsx"],
  "kill switch monitor": ["app/routes/_app.tsx", "app/routes/_app.kill-switches.tsx"],
  "audit log": ["app/routes/_app.tsx", "app/routes/_app.audit.tsx"],
};
const FLAGS = 500;
const WARMUP = 20;
const SAMPLES = 200;

interface ManifestChunk { file: string; imports?: string[] }

export function screenJavaScript(): { screen: string; kib: number }[] {
  const manifest = JSON.parse(readFileSync(path.join(BUILD, ".vite/client-manifest.json"), "utf8")) as Record<string, ManifestChunk>;
  const entry = Object.keys(manifest).find((k) => k.endsWith("entry.client.tsx"))!;
  const routeManifest = readdirSync(path.join(BUILD, "client/assets")).filter((f) => /^manifest-.*\.js$/.test(f)).map((f) => `assets/${f}`);
  const gzipped = (file: string) => gzipSync(readFileSync(path.join(BUILD, "client", file)), { level: 9 }).length;
  return Object.entries(SCREENS).map(([screen, chain]) => {
    const files = new Set<string>(routeManifest);
    const visit = (key: string) => {
      const chunk = manifest[key] ?? manifest[`${key}?__remix-build-client-route`];
      if (!chunk || files.has(chunk.file)) return;
      files.add(chunk.file);
      chunk.imports?.forEach(visit);
    };
    [entry, "app/root.tsx", ...chain].forEach(visit);
    const bytes = [...files].reduce((sum, f) => sum + gzipped(f), 0);
    return { screen, kib: Math.round((bytes / 1024) * 10) / 10 };
  });
}

export async function flagsListRender() {
  process.env.WRANGLER_REGISTRY_PATH ??= mkdtempSync(path.join(tmpdir(), "fluxgate-bench-registry-"));
  const stack = await startDevStack({ readyTimeoutMs: 240_000 });
  try {
    const inputs = Array.from({ length: FLAGS }, (_, i) => ({
      teamId: "00000000-0000-4000-8000-0000000000a1", pipelineId: "00000000-0000-4000-8000-0000000000b0",
      key: `bench_flag_${String(i).padStart(3, "0")}`, type: "BOOLEAN", tags: ["bench"],
    }));
    // Batches of 25 mutations per request keep the set-up short.
    for (let i = 0; i < inputs.length; i += 25) {
      const batch = inputs.slice(i, i + 25);
      const fields = batch.map((_, j) => `f${j}: createFeature(input: $i${j}) { id }`).join(" ");
      const vars = batch.map((_, j) => `$i${j}: CreateFeatureInput!`).join(", ");
      await adminGraphQL(stack.adminUrl, "teamadmin", `mutation(${vars}) { ${fields} }`, Object.fromEntries(batch.map((b, j) => [`i${j}`, b])));
    }
    const consoleUrl = stack.consoleUrl;
    await waitFor(`${consoleUrl}/login`);
    const login = await fetch(`${consoleUrl}/login`, {
      method: "POST", redirect: "manual",
      headers: { origin: consoleUrl, "content-type": "application/x-www-form-urlencoded" },
      body: "login=teamadmin&password=fluxgate-demo",
    });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const timings: number[] = [];
    for (let i = 0; i < WARMUP + SAMPLES; i++) {
      const started = performance.now();
      const res = await fetch(`${consoleUrl}/flags`, { headers: { cookie } });
      const html = await res.text();
      const elapsed = performance.now() - started;
      if (res.status !== 200 || !html.includes("bench_flag_")) throw new Error(`GET /flags answered ${res.status}`);
      if (i >= WARMUP) timings.push(elapsed);
    }
    timings.sort((a, b) => a - b);
    const at = (q: number) => Math.round(timings[Math.min(timings.length - 1, Math.floor(q * timings.length))]! * 10) / 10;
    return { samples: SAMPLES, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
  } finally {
    await stack.stop();
  }
}

async function waitFor(url: string) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${url} did not answer`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
  await buildConsole("pipe");
  console.log("## Console JavaScript per screen (gzip -9, KiB)");
  for (const { screen, kib } of screenJavaScript()) console.log(`  ${screen.padEnd(22)} ${kib}`);
  const render = await flagsListRender();
  console.log(`## GET /flags (${FLAGS} flags in the team, page of 25), ${render.samples} sequential requests`);
  console.log(`  p50 ${render.p50} ms  p95 ${render.p95} ms  p99 ${render.p99} ms`);
  process.exit(0);
}
