// What governs changes to one environment of a team: the approval policy that covers it (if any)
// and the freeze windows active now. One D1 batch. Pure ranking helpers beside the query so the
// change guard, the stage workflow, schedules and version rollback all decide the same way.
import { and, eq, gt, lte, ne, or, type SQL } from "drizzle-orm";
import { approvalPolicies, environments, freezeWindows } from "../../../db/schema";
import type { ControlDeps } from "../core/deps";
import { notFound } from "../core/errors";
import { occurrenceAt, type Occurrence } from "./freeze-occurrence";

export type PolicyRow = typeof approvalPolicies.$inferSelect;
export type FreezeRow = typeof freezeWindows.$inferSelect;
export type EnvironmentRow = typeof environments.$inferSelect;
export type ActiveFreeze = FreezeRow & { occurrence: Occurrence };

export interface Governance {
  environment: EnvironmentRow;
  /** The enabled policy covering the environment, most specific first; null: unprotected. */
  policy: PolicyRow | null;
  /** Freeze windows of the team covering the environment (by id or type) at `now`, with their occurrence in force. */
  activeFreezes: ActiveFreeze[];
}

const SCOPE_RANK: Record<PolicyRow["appliesTo"], number> = { specific: 0, production_only: 1, all: 2 };

export function policyCovers(policy: PolicyRow, environment: Pick<EnvironmentRow, "id" | "type">): boolean {
  if (!policy.enabled) return false;
  switch (policy.appliesTo) {
    case "all": return true;
    case "production_only": return environment.type === "production";
    case "specific": return policy.environmentIds.includes(environment.id);
  }
}

/** The policy that governs the environment: specific > production_only > all, then the newest. */
export function applicablePolicy(policies: readonly PolicyRow[], environment: Pick<EnvironmentRow, "id" | "type">): PolicyRow | null {
  const covering = policies.filter((policy) => policyCovers(policy, environment));
  covering.sort((a, b) => SCOPE_RANK[a.appliesTo] - SCOPE_RANK[b.appliesTo] || b.createdAt.getTime() - a.createdAt.getTime());
  return covering[0] ?? null;
}

export function freezeTargets(freeze: FreezeRow, environment: Pick<EnvironmentRow, "id" | "type">): boolean {
  return freeze.environmentId === environment.id || freeze.environmentType === environment.type;
}

/** Covers the environment now, honouring recurrence (freeze-occurrence.ts). */
export function freezeCovers(freeze: FreezeRow, environment: Pick<EnvironmentRow, "id" | "type">, now: Date): boolean {
  return freezeTargets(freeze, environment) && occurrenceAt(freeze, now) !== null;
}

/** SQL prefilter of a team's windows that may be in force at `now` (recurring ones never end); finish with freezeCovers. */
export const freezeMayBeActive = (now: Date): SQL =>
  and(lte(freezeWindows.startsAt, now), or(gt(freezeWindows.endsAt, now), ne(freezeWindows.recurrence, "NONE")))!;

/** The team's windows in force at `now` over the environment, each with its current occurrence. */
export function activeFreezesOver(freezes: readonly FreezeRow[], environment: Pick<EnvironmentRow, "id" | "type">, now: Date): ActiveFreeze[] {
  return freezes.flatMap((freeze) => {
    const occurrence = freezeTargets(freeze, environment) ? occurrenceAt(freeze, now) : null;
    return occurrence ? [{ ...freeze, occurrence }] : [];
  });
}

/** NOT_FOUND when the environment is not the team's. */
export async function governanceOf(deps: ControlDeps, teamId: string, environmentId: string): Promise<Governance> {
  const { db } = deps;
  const now = deps.now();
  const [environmentRows, policyRows, freezeRows] = await db.batch([
    db.select().from(environments).where(and(eq(environments.id, environmentId), eq(environments.teamId, teamId))).limit(1),
    db.select().from(approvalPolicies).where(and(eq(approvalPolicies.teamId, teamId), eq(approvalPolicies.enabled, true))),
    db.select().from(freezeWindows).where(and(eq(freezeWindows.teamId, teamId), freezeMayBeActive(now))),
  ]);
  const environment = environmentRows[0];
  if (!environment) throw notFound("Environment");
  return {
    environment,
    policy: applicablePolicy(policyRows, environment),
    activeFreezes: activeFreezesOver(freezeRows, environment, now),
  };
}
