// The architecture, checked: the planes' folders import each other in one direction only, the
// engine and the wire protocol stay free of the platform, and the evaluation Worker's bundle
// carries nothing of the admin plane (docs/DESIGN.md "Layout").
import path from "node:path";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { cycles, listSources, planeOf, scanImports, type ImportEdge } from "./support/import-scanner";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SOURCE_FOLDERS = ["engine", "protocol", "durable-objects", "workers", "db", "sdk/src"];
/** What engine/ and protocol/ may import besides each other: pure libraries, no platform. */
const PURE_PACKAGES = new Set(["re2js"]);

let edges: ImportEdge[];

beforeAll(async () => {
  edges = await scanImports(ROOT, await listSources(ROOT, SOURCE_FOLDERS));
});

describe("import graph", () => {
  it("has no cycle between the planes' folders", () => {
    const planeEdges = edges.filter((e) => e.relative).map((e): [string, string] => [planeOf(e.from), planeOf(e.to)]);
    const found = cycles(planeEdges);
    const witnesses = found.map((group) => group.join(" <-> ") + ": " + edges
      .filter((e) => e.relative && group.includes(planeOf(e.from)) && group.includes(planeOf(e.to)) && planeOf(e.from) !== planeOf(e.to))
      .slice(0, 6).map((e) => `${e.from} -> ${e.to}`).join(", "));
    expect(witnesses).toEqual([]);
  });

  it("keeps engine/ and protocol/ free of platform modules and of the other planes", () => {
    const offending = edges
      .filter((e) => e.from.startsWith("engine/") || e.from.startsWith("protocol/"))
      .filter((e) => (e.relative ? !/^(engine|protocol)\//.test(e.to) : !PURE_PACKAGES.has(e.to)))
      .map((e) => `${e.from} -> ${e.to}`);
    expect(offending).toEqual([]);
  });

  it("gives durable-objects/ nothing from the admin plane (the admin Worker wires its scheduled work)", () => {
    const offending = edges.filter((e) => e.from.startsWith("durable-objects/") && e.to.startsWith("workers/"))
      .map((e) => `${e.from} -> ${e.to}`);
    expect(offending).toEqual([]);
  });
});

describe("the evaluation Worker's bundle", () => {
  // One esbuild run shared by the tests below (the options wrangler uses, unminified).
  let built: ReturnType<typeof bundleOnce> | undefined;
  const bundleOnce = () => build({
    entryPoints: [path.join(ROOT, "workers/evaluation/index.ts")],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    metafile: true,
    format: "esm",
    platform: "neutral",
    conditions: ["workerd", "worker", "browser"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    logLevel: "silent",
  });
  const bundle = () => (built ??= bundleOnce());

  it("includes no file of workers/admin/ and none of the admin plane's libraries", async () => {
    const result = await bundle();
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain("workers/evaluation/index.ts");
    expect(inputs.filter((file) => file.startsWith("workers/admin/"))).toEqual([]);
    const adminLibraries = /node_modules\/(graphql|graphql-yoga|@graphql-[^/]+|jose|dataloader)\//;
    expect(inputs.filter((file) => adminLibraries.test(file))).toEqual([]);
  });

  it("reaches RE2JS and zod only through import(): they load with the first flag set using matches and the first body to validate, not at startup", async () => {
    const { inputs } = (await bundle()).metafile;
    const atStartup = new Set<string>();
    const pending = ["workers/evaluation/index.ts"];
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      if (atStartup.has(file)) continue;
      atStartup.add(file);
      for (const edge of inputs[file]?.imports ?? []) if (edge.kind === "import-statement" && !edge.external) pending.push(edge.path);
    }
    const deferred = (file: string) => /node_modules\/(re2js|zod)\//.test(file) || ["engine/index.ts", "engine/operators/re2.ts"].includes(file);
    // Both are in the bundle (a set using matches, every validated body needs them)...
    expect(new Set(Object.keys(inputs).filter(deferred).map((file) => /node_modules\/([^/]+)\//.exec(file)?.[1] ?? file)))
      .toEqual(new Set(["re2js", "zod", "engine/operators/re2.ts"]));
    // ...but nothing the isolate's startup runs imports them.
    expect([...atStartup].filter(deferred)).toEqual([]);
  });
});
