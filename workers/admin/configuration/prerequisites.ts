// Prerequisites: feature A is on only when feature B serves a given variant (or true). Both must
// belong to the same team; a prerequisite that would close a cycle is refused, naming the cycle.
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { features, prerequisites } from "../../../db/schema";
import { authorizeEntity, type Principal } from "../identity/authz";
import type { ControlDeps } from "../core/deps";
import { badInput, notFound } from "../core/errors";
import { CONFIGURE_FEATURES } from "../identity/feature-roles";
import { commitFeatureChange, effectiveVariants, guardFeatureWide, loadFeatureState, type FeatureState } from "./feature-state";
import { parseInput } from "../core/validation";

const setInput = z.object({
  featureId: z.string().min(1),
  requiredFeatureId: z.string().min(1),
  /** The variant the prerequisite must serve; omitted or null: it must evaluate to true. */
  variant: z.string().min(1).max(100).nullable().default(null),
  freezeOverrideReason: z.string().nullable().optional(),
}).strict();

const removeInput = z.object({
  featureId: z.string().min(1), requiredFeatureId: z.string().min(1), freezeOverrideReason: z.string().nullable().optional(),
}).strict();

export async function setPrerequisite(deps: ControlDeps, principal: Principal, raw: unknown): Promise<FeatureState> {
  const input = parseInput(setInput, raw);
  const teamId = await authorizeEntity(deps, principal, "feature", input.featureId, CONFIGURE_FEATURES);
  const before = await loadFeatureState(deps, input.featureId);
  const [required] = await deps.db.select().from(features)
    .where(and(eq(features.id, input.requiredFeatureId), eq(features.teamId, teamId))).limit(1);
  // Another team's feature looks exactly like a missing one.
  if (!required) throw badInput("input.requiredFeatureId", "input.requiredFeatureId: no such feature in this team");
  const cycle = await cycleThrough(deps, teamId, input.featureId, input.requiredFeatureId);
  if (cycle) throw badInput("input.requiredFeatureId", `input.requiredFeatureId: this prerequisite would create the cycle ${cycle.join(" -> ")}`);
  if (input.variant === null) {
    if (required.type !== "boolean") {
      throw badInput("input.variant", `input.variant: ${required.key} is not boolean; name the variant it must serve`);
    }
  } else {
    const requiredState = await loadFeatureState(deps, required.id);
    if (!(input.variant in effectiveVariants(requiredState))) {
      throw badInput("input.variant", `input.variant: ${required.key} has no variant ${input.variant}`);
    }
  }
  const reason = await guardFeatureWide(deps, principal, before, input.freezeOverrideReason);
  const entry = { requiredFeatureId: required.id, requiredKey: required.key, variant: input.variant };
  const existing = before.prerequisites.find((p) => p.requiredFeatureId === required.id);
  const after: FeatureState = {
    ...before,
    prerequisites: [...before.prerequisites.filter((p) => p.requiredFeatureId !== required.id), entry]
      .sort((a, b) => a.requiredKey.localeCompare(b.requiredKey)),
  };
  await commitFeatureChange(deps, {
    actor: principal, before, after,
    statements: [deps.db.insert(prerequisites).values({ featureId: input.featureId, requiredFeatureId: required.id, variant: input.variant })
      .onConflictDoUpdate({ target: [prerequisites.featureId, prerequisites.requiredFeatureId], set: { variant: input.variant } })],
    audit: {
      action: "prerequisite.set", entityType: "feature", entityId: input.featureId,
      before: existing ? { requires: required.key, variant: existing.variant } : null, after: { requires: required.key, variant: input.variant }, reason,
    },
    summary: `prerequisite ${required.key} set`,
  });
  return after;
}

export async function removePrerequisite(deps: ControlDeps, principal: Principal, raw: unknown): Promise<FeatureState> {
  const input = parseInput(removeInput, raw);
  await authorizeEntity(deps, principal, "feature", input.featureId, CONFIGURE_FEATURES);
  const before = await loadFeatureState(deps, input.featureId);
  const existing = before.prerequisites.find((p) => p.requiredFeatureId === input.requiredFeatureId);
  if (!existing) throw notFound("Prerequisite");
  const reason = await guardFeatureWide(deps, principal, before, input.freezeOverrideReason);
  const after: FeatureState = { ...before, prerequisites: before.prerequisites.filter((p) => p !== existing) };
  await commitFeatureChange(deps, {
    actor: principal, before, after,
    statements: [deps.db.delete(prerequisites).where(and(
      eq(prerequisites.featureId, input.featureId), eq(prerequisites.requiredFeatureId, input.requiredFeatureId)))],
    audit: {
      action: "prerequisite.remove", entityType: "feature", entityId: input.featureId,
      before: { requires: existing.requiredKey, variant: existing.variant }, after: null, reason,
    },
    summary: `prerequisite ${existing.requiredKey} removed`,
  });
  return after;
}

/**
 * The cycle that the edge feature -> required would close, as feature keys
 * (["a", "b", "c", "a"]), or null. Reads the team's prerequisite graph in one query.
 */
export async function cycleThrough(deps: ControlDeps, teamId: string, featureId: string, requiredId: string): Promise<string[] | null> {
  const edges = await deps.db.select({ from: prerequisites.featureId, to: prerequisites.requiredFeatureId })
    .from(prerequisites).innerJoin(features, eq(features.id, prerequisites.featureId)).where(eq(features.teamId, teamId));
  const next = new Map<string, string[]>();
  for (const edge of edges) next.set(edge.from, [...(next.get(edge.from) ?? []), edge.to]);
  // Depth-first from `required`, looking for a way back to `feature`.
  const path = pathBetween(next, requiredId, featureId, new Set());
  if (!path) return null;
  const ids = [featureId, ...path];
  const keys = await deps.db.select({ id: features.id, key: features.key }).from(features).where(eq(features.teamId, teamId));
  const keyOf = new Map(keys.map((k) => [k.id, k.key]));
  return ids.map((id) => keyOf.get(id) ?? id);
}

function pathBetween(next: Map<string, string[]>, from: string, to: string, seen: Set<string>): string[] | null {
  if (from === to) return [to];
  if (seen.has(from)) return null;
  seen.add(from);
  for (const step of next.get(from) ?? []) {
    const rest = pathBetween(next, step, to, seen);
    if (rest) return [from, ...rest];
  }
  return null;
}
