// The prerequisite graph as SVG: one box per flag (a link to its page, reachable with Tab), arrows
// from a required flag to the flags that require it, labelled with the variant they need. The
// caller renders the list alternative next to it; the graph itself is a labelled group of links.
import { useNavigate } from "@remix-run/react";
import type { MouseEvent } from "react";
import type { DependencyLayout } from "~/lib/dependency-graph";

export function DependencyGraph({ graph, label }: { graph: DependencyLayout; label: string }) {
  const navigate = useNavigate();
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const follow = (event: MouseEvent<Element>, id: string) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(`/flags/${id}`);
  };
  return (
    <div className="dep-graph">
      <svg role="group" aria-label={label} width={graph.width} height={graph.height} viewBox={`0 0 ${graph.width} ${graph.height}`}>
        <defs>
          <marker id="dep-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="dep-arrowhead" />
          </marker>
        </defs>
        {graph.edges.map((e) => {
          const [first, ...rest] = e.points;
          if (!first) return null;
          const mid = e.points[Math.floor(e.points.length / 2)]!;
          return (
            <g key={`${e.from}-${e.to}`} aria-hidden="true">
              <path className="dep-edge" markerEnd="url(#dep-arrow)" d={`M ${first.x} ${first.y} ${rest.map((p) => `L ${p.x} ${p.y}`).join(" ")}`} />
              {e.variant && <text className="dep-edge-label" x={mid.x} y={mid.y - 6} textAnchor="middle">{e.variant}</text>}
            </g>
          );
        })}
        {graph.nodes.map((n) => {
          const needs = graph.edges.filter((e) => e.to === n.id).map((e) => byId.get(e.from)?.key ?? e.fromKey);
          const description = `${n.key}${n.killed ? " (killed)" : ""}${needs.length ? `, requires ${needs.join(", ")}` : ""}`;
          return (
            <a key={n.id} href={`/flags/${n.id}`} aria-label={description} className="dep-node" data-flag={n.key} onClick={(event) => follow(event, n.id)}>
              <rect x={n.x - n.width / 2} y={n.y - n.height / 2} width={n.width} height={n.height} rx={6} className={n.killed ? "killed" : undefined} />
              <text x={n.x} y={n.y} dominantBaseline="central" textAnchor="middle">{n.key}</text>
            </a>
          );
        })}
      </svg>
    </div>
  );
}
