// Shapes the evaluation dashboard's payload (query or subscription, same fragment) for the charts
// and figures: pure functions, node-tested.
import type { DashboardFieldsFragment } from "~/gql/graphql";
import type { Slice } from "./chart-data";

export type Dashboard = DashboardFieldsFragment;
type Group = Dashboard["distributions"]["byFeature"][number];

/** The newer of two payloads of the same view (a push may predate a reload, or follow it). */
export function newest<T extends { generatedAt: string }>(a: T | undefined, b: T | undefined): T | undefined {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b.generatedAt) > Date.parse(a.generatedAt) ? b : a;
}

/** Readable names of a distribution's keys: environment keys, client names, "(no variant)", "(unknown client)". */
export function groupSlices(groups: Group[], kind: "feature" | "environment" | "client" | "variant" | "reason"): Slice[] {
  return groups.map((g) => ({
    label: g.label ?? g.key ?? (kind === "variant" ? "(no variant)" : kind === "client" ? "(unknown client)" : "(none)"),
    value: g.evaluationCount,
  }));
}

/** Totals of a window minus a shorter one ending at the same time: the earlier part's figures. */
export function earlierPart(
  longer: { totalEvaluations: number; successfulEvaluations: number; cachedEvaluations: number },
  shorter: { totalEvaluations: number; successfulEvaluations: number; cachedEvaluations: number },
) {
  const total = Math.max(0, longer.totalEvaluations - shorter.totalEvaluations);
  const successful = Math.max(0, longer.successfulEvaluations - shorter.successfulEvaluations);
  const cached = Math.max(0, longer.cachedEvaluations - shorter.cachedEvaluations);
  return {
    totalEvaluations: total,
    successRate: total === 0 ? null : successful / total,
    cacheHitRate: total === 0 ? null : cached / total,
  };
}
