// @fluxgate/sdk as an application receives it: scripts/build-sdk.ts builds a scratch copy of sdk/,
// `npm pack` packs it, and `npm install --offline` installs the tarball into a scratch app whose
// peers (@openfeature/*, ws) are linked from this repository, so nothing comes from the network.
// The app then uses the package by name: plain JavaScript on the machine's Node 20 (ws injected)
// and on Node 22 against a real WebSocket peer; a browser bundle made by esbuild; and typed
// consumers checked by tsc under moduleResolution nodenext and bundler.
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlagDocument, FlagSetDocument, RuleDocument } from "../../engine/types";
import { BROWSER_BUNDLE, buildSdk, declarationOf, SDK_DIR, SDK_ENTRIES } from "../../scripts/build-sdk";
import { booleanFlag, deltaOf, documentOf, stringFlag } from "./sdk/support/documents";
import { startStreamPeer, waitFor, type StreamPeer } from "./sdk/support/stream-peer";

const ROOT = path.resolve(import.meta.dirname, "../..");
const FIXTURES = path.join(import.meta.dirname, "sdk-dist");
const exec = promisify(execFile);

/** The child's environment without the npm_* variables of an enclosing `npm test` (they name this repository as the prefix). */
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));

function ruleServingOn(id: string, attribute: string, operator: "equals" | "matches", value: string): RuleDocument {
  return { id, priority: 0, match: [{ operator: "and", conditions: [{ attribute, operator, value }] }], serve: { kind: "variant", variant: "on" } };
}
const flagsAt = (checkoutText: string): FlagDocument[] => [
  { ...booleanFlag("BetaUsers", false), rules: [ruleServingOn("r-admin", "role", "equals", "admin")] },
  // A regex condition: compiling it needs re2js, which the bundle must carry.
  { ...booleanFlag("staff_tools", false), rules: [ruleServingOn("r-staff", "email", "matches", "^[a-z]+@acme\\.test$")] },
  stringFlag("checkout_button_text", checkoutText),
];

let scratch: string;
let appDir: string;
let packedFiles: string[];
let v1: FlagSetDocument;
let v2: FlagSetDocument;
let snapshotFile: string;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "fluxgate-sdk-dist-"));
  const packageDir = path.join(scratch, "package");
  await mkdir(packageDir);
  await copyFile(path.join(SDK_DIR, "package.json"), path.join(packageDir, "package.json"));
  await buildSdk(path.join(packageDir, "dist"));
  const npmOptions = { cwd: packageDir, env: childEnv };
  const { stdout } = await exec("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch], npmOptions);
  const [pack] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  packedFiles = pack!.files.map((f) => f.path).sort();

  appDir = path.join(scratch, "app");
  await mkdir(appDir);
  const linked = (name: string) => `file:${path.join(ROOT, "node_modules", name)}`;
  await writeFile(path.join(appDir, "package.json"), JSON.stringify({
    name: "fluxgate-sdk-consumer", private: true, type: "module",
    dependencies: {
      "@fluxgate/sdk": `file:${path.join(scratch, pack!.filename)}`,
      "@openfeature/core": linked("@openfeature/core"),
      "@openfeature/server-sdk": linked("@openfeature/server-sdk"),
      "@openfeature/web-sdk": linked("@openfeature/web-sdk"),
      ws: linked("ws"),
    },
  }));
  for (const fixture of ["server-app.mjs", "browser-app.mjs"]) await copyFile(path.join(FIXTURES, fixture), path.join(appDir, fixture));
  await exec("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock", "--cache", path.join(scratch, "npm-cache")], { cwd: appDir, env: childEnv });

  v1 = await documentOf(1, flagsAt("Buy now"));
  v2 = await documentOf(2, flagsAt("Complete purchase"));
  snapshotFile = path.join(scratch, "snapshot-v1.json");
  await writeFile(snapshotFile, JSON.stringify(v1));
}, 180_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** The first `node` binary of major version 20: PATH entries, then the usual system locations. */
async function findNode20(): Promise<string | undefined> {
  const candidates = new Set((process.env.PATH ?? "").split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, "node")));
  candidates.add("/usr/bin/node").add("/usr/local/bin/node");
  for (const binary of candidates) {
    const version = await exec(binary, ["--version"]).then(({ stdout }) => stdout.trim(), () => "");
    if (version.startsWith("v20.")) return binary;
  }
  return undefined;
}

/** Runs server-app.mjs with `node` against a stream peer that confirms nothing and sends the v1 -> v2 delta. */
async function runServerApp(node: string) {
  const peer: StreamPeer = await startStreamPeer();
  try {
    const child = exec(node, [path.join(appDir, "server-app.mjs"), peer.baseUrl, snapshotFile, scratch], { cwd: appDir, env: childEnv, timeout: 30_000 });
    const conn = await peer.nextConnection(10_000);
    const hello = await waitFor("hello", () => conn.received[0]);
    conn.send(deltaOf(v1, v2));
    const { stdout } = await child;
    return { hello, authorization: conn.authorization, protocols: conn.protocols, output: JSON.parse(stdout) as unknown };
  } finally {
    await peer.stop();
  }
}

const expectedServerOutput = (node: string, withoutWebSocket: string) => ({
  node, sdk: "fluxgate-sdk/0.1.0", withoutWebSocket,
  fromBootstrap: {
    admin: { value: true, variant: "on", reason: "TARGETING_MATCH" },
    viewer: { value: false, variant: "off", reason: "DEFAULT" },
    staffEmail: { value: true, variant: "on", reason: "TARGETING_MATCH" },
    otherEmail: { value: false, variant: "off", reason: "DEFAULT" },
  },
  fromStream: { version: 2, flagsChanged: ["checkout_button_text"], checkout: { value: "Complete purchase", variant: "only", reason: "STATIC" } },
  openFeature: { value: true, variant: "on", reason: "TARGETING_MATCH" },
  storedVersion: 1,
});

describe("the packed @fluxgate/sdk", () => {
  it("holds the bundles and declarations of every export, the package.json and nothing else", async () => {
    const manifest = JSON.parse(await readFile(path.join(SDK_DIR, "package.json"), "utf8")) as { exports: Record<string, { types: string; default: string }> };
    expect(Object.keys(manifest.exports).sort()).toEqual([...Object.keys(SDK_ENTRIES), BROWSER_BUNDLE.entry].sort());
    for (const [entry, { bundle, source }] of [...Object.entries(SDK_ENTRIES), [BROWSER_BUNDLE.entry, BROWSER_BUNDLE] as const]) {
      expect(manifest.exports[entry]).toEqual({ types: `./dist/${declarationOf(source)}`, default: `./dist/${bundle}.js` });
      expect(packedFiles).toContain(`dist/${bundle}.js`);
      expect(packedFiles).toContain(`dist/${declarationOf(source)}`);
    }
    expect(packedFiles.filter((f) => !f.startsWith("dist/"))).toEqual(["package.json"]);
    // Engine internals (which name re2js) are pruned from the declarations; only the contract types
    // remain: the engine's document/result types and the service binding's RPC shapes.
    expect(packedFiles.filter((f) => f.startsWith("dist/types/") && !f.startsWith("dist/types/sdk/")))
      .toEqual(["dist/types/engine/types.d.ts", "dist/types/protocol/flags-rpc.d.ts"]);
  });

  it("runs as plain JavaScript on the machine's Node 20 with ws injected: bootstrap, stream delta, OpenFeature provider, file storage", async (context) => {
    const node20 = await findNode20();
    if (!node20) {
      context.skip("no Node 20 binary on PATH, /usr/bin or /usr/local/bin");
      return;
    }
    const { hello, authorization, protocols, output } = await runServerApp(node20);
    const version = ((output as { node: string }).node);
    expect(version).toMatch(/^v20\./);
    // Node 20 has no global WebSocket: without ws the client refuses with FluxGateError CONFIGURATION.
    expect(output).toEqual(expectedServerOutput(version, "CONFIGURATION"));
    expect(hello).toEqual({ type: "hello", protocol: 1, sdk: "fluxgate-sdk/0.1.0", since: { version: 1, contentHash: v1.contentHash } });
    // ws accepts headers, so the credential travels as Authorization and no subprotocol is offered.
    expect(authorization).toBe("Bearer fg_dist_test");
    expect(protocols).toEqual([]);
  }, 60_000);

  it("runs the same application on Node 22 (the version npm scripts use)", async () => {
    const { output } = await runServerApp(process.execPath);
    const version = (output as { node: string }).node;
    expect(version).toMatch(/^v22\./);
    expect(output).toEqual(expectedServerOutput(version, "global WebSocket present"));
  }, 60_000);

  it("bundles for the browser platform without node: imports, and the bundle serves a bootstrapped flag through the web provider", async () => {
    const bundled = await build({
      absWorkingDir: appDir, entryPoints: ["browser-app.mjs"], outfile: path.join(appDir, "browser-bundle.js"),
      bundle: true, platform: "browser", format: "esm", target: "es2022", metafile: true, logLevel: "silent",
    });
    const inputs = Object.keys(bundled.metafile.inputs);
    expect(inputs.some((input) => input.startsWith("node_modules/@fluxgate/sdk/dist/openfeature/web.js"))).toBe(true);
    expect(inputs.filter((input) => input.startsWith("node:") || input.includes("dist/node.js"))).toEqual([]);
    expect(await readFile(path.join(appDir, "browser-bundle.js"), "utf8")).not.toMatch(/["']node:/);

    const peer = await startStreamPeer();
    try {
      const app = (await import(pathToFileURL(path.join(appDir, "browser-bundle.js")).href)) as { run(baseUrl: string, bootstrap: FlagSetDocument): Promise<unknown> };
      expect(await app.run(peer.baseUrl, v1)).toEqual({ value: true, variant: "on", reason: "TARGETING_MATCH" });
    } finally {
      await peer.stop();
    }
  });

  it("ships declarations that typecheck Node (nodenext) and browser (bundler) consumers, with real types rather than any", async () => {
    const nodeConsumer = `
import { FluxGateLocalClient, FluxGateError, type EvaluationResult, type FlagSetDocument } from "@fluxgate/sdk";
import { FileSnapshotStorage } from "@fluxgate/sdk/node";
import { FluxGateServerProvider, flagsChangedOf } from "@fluxgate/sdk/openfeature/server";
declare const bootstrap: FlagSetDocument;
const client = new FluxGateLocalClient({ baseUrl: "https://flags.example.com", credential: "fg", bootstrap, storage: new FileSnapshotStorage("/tmp/flags.json") });
const result: EvaluationResult = client.evaluate("dark_mode", { targetingKey: "u-1" });
const reason: "STATIC" | "DEFAULT" | "TARGETING_MATCH" | "SPLIT" | "DISABLED" | "ERROR" = result.reason;
const provider = new FluxGateServerProvider({ mode: "remote", baseUrl: "https://flags.example.com", credential: "fg" });
provider.events.addHandler("PROVIDER_CONFIGURATION_CHANGED" as never, (details) => { const keys: string[] = flagsChangedOf(details); void keys; });
const code: string = new FluxGateError("CONFIGURATION", "x").code;
// @ts-expect-error misspelled option: the declarations are real types, not any
new FluxGateLocalClient({ baseUrl: "https://flags.example.com", credentail: "fg" });
// @ts-expect-error evaluate takes a flag key string
client.evaluate(42);
void reason; void code;
`;
    const webConsumer = `
import { LocalStorageSnapshotStorage, type FlagSetDocument } from "@fluxgate/sdk";
import { FluxGateWebProvider } from "@fluxgate/sdk/openfeature/web";
declare const bootstrap: FlagSetDocument;
const provider = new FluxGateWebProvider({ mode: "local", baseUrl: location.origin, credential: "fg_web", bootstrap, storage: new LocalStorageSnapshotStorage("flags") });
// @ts-expect-error the web provider has no "edge" mode
new FluxGateWebProvider({ mode: "edge", baseUrl: location.origin, credential: "fg_web" });
void provider;
`;
    const strict = { target: "es2022", strict: true, noEmit: true, skipLibCheck: false, types: [] as string[] };
    const configs = {
      "tsconfig.node.json": { compilerOptions: { ...strict, module: "nodenext", moduleResolution: "nodenext", lib: ["es2022"], types: ["node"], typeRoots: [path.join(ROOT, "node_modules/@types")] }, files: ["node-consumer.ts"] },
      "tsconfig.web.json": { compilerOptions: { ...strict, module: "esnext", moduleResolution: "bundler", lib: ["es2022", "dom"] }, files: ["web-consumer.ts"] },
    };
    await writeFile(path.join(appDir, "node-consumer.ts"), nodeConsumer);
    await writeFile(path.join(appDir, "web-consumer.ts"), webConsumer);
    const tsc = path.join(ROOT, "node_modules/typescript/bin/tsc");
    for (const [file, config] of Object.entries(configs)) {
      await writeFile(path.join(appDir, file), JSON.stringify(config));
      const checked = await exec(process.execPath, [tsc, "-p", file], { cwd: appDir }).then(() => "ok", (error: { stdout: string }) => error.stdout);
      expect(checked, file).toBe("ok");
    }
  }, 60_000);
});
