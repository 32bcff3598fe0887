// Builds the distributable @fluxgate/sdk into sdk/dist, so the package runs without TypeScript in
// Node 20+, browsers and Workers: one ESM bundle per package entry (engine/, protocol/ and re2js
// inlined, shared code in common chunks so classes keep one identity across entries;
// @openfeature/* and node: builtins left to the application) plus .d.ts declarations.
// Run: `npm run build:sdk`; then `npm pack` in sdk/ yields the installable tarball.
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build } from "esbuild";

const ROOT = path.resolve(import.meta.dirname, "..");
export const SDK_DIR = path.join(ROOT, "sdk");

/** Package entry -> bundle (dist/<bundle>.js) and its source. Mirrors "exports" in sdk/package.json. */
export const SDK_ENTRIES = {
  ".": { bundle: "index", source: "src/index.ts" },
  "./openfeature/server": { bundle: "openfeature/server", source: "src/openfeature/server-provider.ts" },
  "./openfeature/web": { bundle: "openfeature/web", source: "src/openfeature/web-provider.ts" },
  "./node": { bundle: "node", source: "src/node.ts" },
} as const;

/**
 * The self-contained browser build: one minified ES module with every dependency inside (the
 * engine, re2js, @openfeature/web-sdk and core), for pages without a bundler. Its gzip size is in
 * docs/BENCHMARKS.md ("SDK browser build").
 */
export const BROWSER_BUNDLE = { entry: "./browser", bundle: "browser/fluxgate", source: "src/browser.ts" } as const;

/** Where tsc puts a source's declaration inside dist (rootDir is the repository). */
export const declarationOf = (source: string): string => `types/sdk/${source.replace(/\.ts$/, ".d.ts")}`;

export interface SdkBuild {
  outDir: string;
  /** Every file written, relative to outDir, sorted. */
  files: string[];
}

export async function buildSdk(outDir = path.join(SDK_DIR, "dist")): Promise<SdkBuild> {
  await rm(outDir, { recursive: true, force: true });
  const bundled = await build({
    absWorkingDir: SDK_DIR,
    entryPoints: Object.values(SDK_ENTRIES).map(({ bundle, source }) => ({ in: source, out: bundle })),
    outdir: outDir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    target: "es2022",
    external: ["@openfeature/*", "node:*"],
    chunkNames: "chunks/[name]-[hash]",
    sourcemap: true,
    legalComments: "eof",
    metafile: true,
    logLevel: "warning",
  });
  const browser = await buildBrowserBundle(outDir);
  const declarations = await emitDeclarations(outDir);
  // re2js is inlined, so its licence travels with the package.
  await copyFile(path.join(ROOT, "node_modules/re2js/LICENSE"), path.join(outDir, "re2js.LICENSE.txt"));
  const bundles = [...Object.keys(bundled.metafile.outputs), ...Object.keys(browser.metafile.outputs)]
    .map((file) => path.relative(outDir, path.resolve(SDK_DIR, file)));
  return { outDir, files: [...bundles, ...declarations, "re2js.LICENSE.txt"].sort() };
}

/** Writes dist/browser/fluxgate.js (+ .map) into outDir; also used alone by the browser tests. */
export async function buildBrowserBundle(outDir: string) {
  return build({
    absWorkingDir: SDK_DIR,
    entryPoints: [{ in: BROWSER_BUNDLE.source, out: BROWSER_BUNDLE.bundle }],
    outdir: outDir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    sourcemap: true,
    legalComments: "eof",
    metafile: true,
    logLevel: "warning",
  });
}

const RELATIVE_SPECIFIER = /(\bfrom\s+|\bimport\s*\(\s*)(["'])(\.{1,2}\/[^"']+)\2/g;

/**
 * tsc emits declarations for every file the program reaches, including engine internals (which
 * name re2js). Only the files reachable from the entries' declarations are kept, and their
 * relative specifiers get explicit ".js" so they resolve under moduleResolution node16/nodenext.
 */
async function emitDeclarations(outDir: string): Promise<string[]> {
  const scratch = await mkdtemp(path.join(tmpdir(), "fluxgate-sdk-types-"));
  try {
    const tsc = path.join(ROOT, "node_modules/typescript/bin/tsc");
    await promisify(execFile)(process.execPath, [tsc, "-p", path.join(SDK_DIR, "tsconfig.build.json"), "--outDir", scratch]);
    const kept: string[] = [];
    const pending = [...Object.values(SDK_ENTRIES), BROWSER_BUNDLE]
      .map(({ source }) => path.join(scratch, path.relative("types", declarationOf(source))));
    const seen = new Set(pending);
    for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
      const text = await readFile(file, "utf8");
      const rewritten = text.replace(RELATIVE_SPECIFIER, (_match, lead: string, quote: string, specifier: string) => {
        const target = path.resolve(path.dirname(file), specifier.replace(/\.(ts|js)$/, "")) + ".d.ts";
        if (!seen.has(target)) {
          seen.add(target);
          pending.push(target);
        }
        return `${lead}${quote}${specifier.replace(/\.(ts|js)$/, "")}.js${quote}`;
      });
      const relative = path.join("types", path.relative(scratch, file));
      await mkdir(path.dirname(path.join(outDir, relative)), { recursive: true });
      await writeFile(path.join(outDir, relative), rewritten);
      kept.push(relative);
    }
    return kept;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { outDir, files } = await buildSdk();
  console.log(`built ${files.length} files into ${path.relative(process.cwd(), outDir) || "."}`);
}
