// A small scanner of the repository's TypeScript imports, for the architecture test
// (test/node/import-graph.test.ts). Type-only imports are skipped: they vanish from every bundle
// and cannot form a runtime cycle. Relative specifiers are resolved to repository files (.ts,
// .tsx, /index.ts); anything else is a package or a platform module, kept as written.
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

export interface ImportEdge {
  from: string;
  /** A repository path ("engine/types.ts") or a bare specifier ("hono", "cloudflare:workers"). */
  to: string;
  relative: boolean;
}

// import x from "m"; import { a, type b } from "m"; import "m"; export { a } from "m"; export * from "m"
const STATIC = /^\s*(import|export)\s+(type\s+)?([^"';]*?\s+from\s+)?["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

export async function listSources(root: string, folders: string[]): Promise<string[]> {
  const files: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(path.join(root, dir), { withFileTypes: true }).catch(() => [])) {
      const rel = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && entry.name !== "dist") await walk(rel);
      } else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith(".d.ts")) files.push(rel);
    }
  };
  for (const folder of folders) await walk(folder);
  return files.sort();
}

export async function scanImports(root: string, files: string[]): Promise<ImportEdge[]> {
  const known = new Set(files);
  const edges: ImportEdge[] = [];
  for (const file of files) {
    const text = await readFile(path.join(root, file), "utf8");
    const specifiers: string[] = [];
    for (const match of text.matchAll(STATIC)) {
      if (match[2]) continue; // import type / export type
      const clause = match[3] ?? "";
      // import { type A, type B } from "m": every name type-only.
      const names = /^\s*\{([^}]*)\}\s+from\s+$/.exec(clause)?.[1];
      if (names && names.split(",").map((n) => n.trim()).filter(Boolean).every((n) => n.startsWith("type "))) continue;
      specifiers.push(match[4]!);
    }
    for (const match of text.matchAll(DYNAMIC)) specifiers.push(match[1]!);
    for (const specifier of specifiers) {
      if (!specifier.startsWith(".")) {
        edges.push({ from: file, to: specifier, relative: false });
        continue;
      }
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), specifier));
      const target = [base, `${base}.ts`, `${base}.tsx`, `${base}/index.ts`].find((candidate) => known.has(candidate));
      edges.push({ from: file, to: target ?? base, relative: true });
    }
  }
  return edges;
}

/** The plane a file belongs to: its top folder, or workers/<folder> under workers/. */
export function planeOf(file: string): string {
  const [first, second] = file.split("/");
  return first === "workers" && second && !second.endsWith(".ts") ? `workers/${second}` : first!;
}

/** Strongly connected groups of more than one plane (Tarjan), each sorted. */
export function cycles(edges: [string, string][]): string[][] {
  const graph = new Map<string, Set<string>>();
  for (const [a, b] of edges) {
    if (!graph.has(a)) graph.set(a, new Set());
    if (!graph.has(b)) graph.set(b, new Set());
    if (a !== b) graph.get(a)!.add(b);
  }
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter++);
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)!) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return groups;
}
