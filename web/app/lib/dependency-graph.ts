// The prerequisite graph of a team's flags, laid out left to right with dagre: an edge goes from the
// required flag to the flag that requires it, so a flag's prerequisites sit to its left. Only flags
// with a prerequisite or a dependent are drawn; the others are counted. Pure (no React, no DOM).
import { Graph, layout } from "@dagrejs/dagre";

export interface FlagNode {
  id: string;
  key: string;
  killSwitchEnabled: boolean;
  prerequisites: { variant?: string | null; feature: { id: string; key: string } }[];
}

export interface PlacedNode { id: string; key: string; killed: boolean; x: number; y: number; width: number; height: number }
export interface PlacedEdge { from: string; to: string; fromKey: string; toKey: string; variant: string | null; points: { x: number; y: number }[] }
export interface DependencyLayout { nodes: PlacedNode[]; edges: PlacedEdge[]; width: number; height: number; unconnected: number }

/** Node boxes fit the key in the graph's 13px monospace font (about 7.9px a character). */
const CHAR_WIDTH = 7.9;
const NODE_HEIGHT = 36;
const MARGIN = 16;

export function layoutDependencies(flags: FlagNode[]): DependencyLayout {
  const byId = new Map(flags.map((f) => [f.id, f]));
  const edges = flags.flatMap((f) => f.prerequisites
    .filter((p) => byId.has(p.feature.id))
    .map((p) => ({ from: p.feature.id, to: f.id, fromKey: p.feature.key, toKey: f.key, variant: p.variant ?? null })));
  const connected = new Set(edges.flatMap((e) => [e.from, e.to]));
  const drawn = flags.filter((f) => connected.has(f.id)).sort((a, b) => a.key.localeCompare(b.key));

  const graph = new Graph();
  graph.setGraph({ rankdir: "LR", nodesep: 24, ranksep: 72, marginx: MARGIN, marginy: MARGIN });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const flag of drawn) graph.setNode(flag.id, { width: Math.max(96, Math.ceil(flag.key.length * CHAR_WIDTH) + 28), height: NODE_HEIGHT });
  for (const edge of edges) graph.setEdge(edge.from, edge.to);
  layout(graph);

  const label = graph.graph();
  return {
    nodes: drawn.map((f) => {
      const n = graph.node(f.id);
      return { id: f.id, key: f.key, killed: f.killSwitchEnabled, x: n.x, y: n.y, width: n.width, height: n.height };
    }),
    edges: edges.map((e) => ({ ...e, points: (graph.edge(e.from, e.to)?.points ?? []).map((p: { x: number; y: number }) => ({ x: p.x, y: p.y })) })),
    width: Math.ceil(label.width ?? 0),
    height: Math.ceil(label.height ?? 0),
    unconnected: flags.length - drawn.length,
  };
}

/** The keys of the flags that directly require each flag (by the required flag's id), sorted. */
export function requiredBy(flags: FlagNode[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const f of flags) for (const p of f.prerequisites) map.set(p.feature.id, [...(map.get(p.feature.id) ?? []), f.key].sort());
  return map;
}

/**
 * The cycle that `featureId` requiring `requiredId` would close, as keys from the flag back to
 * itself (["a", "b", "a"]), or null. The API makes the same check (cycleThrough in
 * workers/admin/configuration/prerequisites.ts) and stays the authority: this one only saves a
 * round trip on the graph as last read.
 */
export function prerequisiteCycle(flags: FlagNode[], featureId: string, requiredId: string): string[] | null {
  const byId = new Map(flags.map((f) => [f.id, f]));
  const seen = new Set<string>();
  const walk = (from: string): string[] | null => {
    if (from === featureId) return [featureId];
    if (seen.has(from)) return null;
    seen.add(from);
    for (const p of byId.get(from)?.prerequisites ?? []) {
      const rest = walk(p.feature.id);
      if (rest) return [from, ...rest];
    }
    return null;
  };
  const path = walk(requiredId);
  return path && [featureId, ...path].map((id) => byId.get(id)?.key ?? id);
}
