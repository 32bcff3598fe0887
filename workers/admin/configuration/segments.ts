// Segments: named groups of users a rule targets with in_segment / not_in_segment. Included and
// excluded targeting keys plus `match` conditions, validated with the same schema as rules. A
// segment belongs to the team and reaches every environment's snapshot, so a change publishes all
// of the team's environments. Its key is what rules reference: it is fixed at creation, and a
// segment some rule still references cannot be deleted.
import { eq } from "drizzle-orm";
import { z } from "zod";
import { featureStages, features, rules, segments } from "../../../db/schema";
import type { ConditionGroup, JsonValue } from "../../../engine/types";
import { authorizeEntity, type Principal } from "../identity/authz";
import { CONFIGURE_FEATURES } from "../identity/feature-roles";
import { commit } from "../core/commit";
import { uniqueOrConflict } from "../core/constraints";
import type { ControlDeps } from "../core/deps";
import { badInput, conflict } from "../core/errors";
import type { Connection, PageArgs } from "../core/pagination";
import { teamPage, teamRow } from "../identity/team-rows";
import { matchSchema, referencedSegments } from "./rule-schema";
import { teamEnvironmentIds } from "./team-scope";
import { parseInput } from "../core/validation";

export type SegmentRow = typeof segments.$inferSelect;

const keySchema = z.string().trim().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,99}$/, "must be 1-100 characters: letters, digits, '_', '.' or '-', starting with a letter");
const targetingKeys = z.array(z.string().min(1).max(256)).max(10_000);

const fields = {
  name: z.string().trim().min(1, "is required").max(100),
  description: z.string().trim().max(1000),
  included: targetingKeys,
  excluded: targetingKeys,
  match: matchSchema,
};

const createInput = z.object({
  teamId: z.string().min(1),
  key: keySchema,
  name: fields.name,
  description: fields.description.default(""),
  included: fields.included.default([]),
  excluded: fields.excluded.default([]),
  match: fields.match.default([]),
}).strict();

const updateInput = z.object({
  id: z.string().min(1),
  name: fields.name.optional(),
  description: fields.description.optional(),
  included: fields.included.optional(),
  excluded: fields.excluded.optional(),
  match: fields.match.optional(),
}).strict();

export const listSegments = (deps: ControlDeps, principal: Principal, teamId: string, page: PageArgs): Promise<Connection<SegmentRow>> =>
  teamPage(deps, principal, segments, segments.key, teamId, page);

export const getSegment = (deps: ControlDeps, principal: Principal, id: string): Promise<SegmentRow> =>
  teamRow(deps, principal, "segment", segments, id);

export async function createSegment(deps: ControlDeps, principal: Principal, raw: unknown): Promise<SegmentRow> {
  const input = parseInput(createInput, raw);
  await authorizeEntity(deps, principal, "team", input.teamId, CONFIGURE_FEATURES);
  assertNoNestedSegments(input.match);
  const now = deps.now();
  const row: SegmentRow = { id: crypto.randomUUID(), ...input, createdAt: now, updatedAt: now };
  await uniqueOrConflict("segments", "A segment with this key already exists in the team", async () => commit(deps, {
    actor: principal,
    statements: [deps.db.insert(segments).values(row)],
    audit: [{ teamId: row.teamId, action: "segment.create", entityType: "segment", entityId: row.id, before: null, after: auditView(row) }],
    publish: await teamEnvironmentIds(deps, row.teamId),
  }));
  return row;
}

export async function updateSegment(deps: ControlDeps, principal: Principal, raw: unknown): Promise<SegmentRow> {
  const input = parseInput(updateInput, raw);
  const teamId = await authorizeEntity(deps, principal, "segment", input.id, CONFIGURE_FEATURES);
  if (input.match) assertNoNestedSegments(input.match);
  const [before] = await deps.db.select().from(segments).where(eq(segments.id, input.id)).limit(1);
  const after: SegmentRow = {
    ...before!, name: input.name ?? before!.name, description: input.description ?? before!.description,
    included: input.included ?? before!.included, excluded: input.excluded ?? before!.excluded,
    match: input.match ?? before!.match, updatedAt: deps.now(),
  };
  await commit(deps, {
    actor: principal,
    statements: [deps.db.update(segments).set({
      name: after.name, description: after.description, included: after.included, excluded: after.excluded,
      match: after.match, updatedAt: after.updatedAt,
    }).where(eq(segments.id, after.id))],
    audit: [{ teamId, action: "segment.update", entityType: "segment", entityId: after.id, before: auditView(before!), after: auditView(after) }],
    publish: await teamEnvironmentIds(deps, teamId),
  });
  return after;
}

/** The team's features with a rule referencing the segment key (in_segment / not_in_segment), by key. */
export async function segmentUsers(deps: ControlDeps, teamId: string, key: string): Promise<{ featureId: string; featureKey: string }[]> {
  const teamRules = await deps.db.select({ featureId: features.id, featureKey: features.key, match: rules.match }).from(rules)
    .innerJoin(featureStages, eq(featureStages.id, rules.stageId))
    .innerJoin(features, eq(features.id, featureStages.featureId))
    .where(eq(features.teamId, teamId));
  const users = new Map<string, string>();
  for (const rule of teamRules) {
    if (referencedSegments(rule.match).some((ref) => ref.key === key)) users.set(rule.featureKey, rule.featureId);
  }
  return [...users].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([featureKey, featureId]) => ({ featureId, featureKey }));
}

/** CONFLICT while a rule of the team references the segment (naming the feature). */
export async function deleteSegment(deps: ControlDeps, principal: Principal, id: string): Promise<SegmentRow> {
  const teamId = await authorizeEntity(deps, principal, "segment", id, CONFIGURE_FEATURES);
  const [before] = await deps.db.select().from(segments).where(eq(segments.id, id)).limit(1);
  const users = (await segmentUsers(deps, teamId, before!.key)).map((u) => u.featureKey);
  if (users.length) throw conflict(`Segment ${before!.key} is still used by rules of ${users.join(", ")}; change those rules first`);
  await commit(deps, {
    actor: principal,
    statements: [deps.db.delete(segments).where(eq(segments.id, id))],
    audit: [{ teamId, action: "segment.delete", entityType: "segment", entityId: id, before: auditView(before!), after: null }],
    publish: await teamEnvironmentIds(deps, teamId),
  });
  return before!;
}

/** Segments do not nest: a segment's conditions cannot reference segments (no cycles to resolve). */
function assertNoNestedSegments(match: ConditionGroup[]): void {
  const [first] = referencedSegments(match);
  if (first) {
    const field = ["input", "match", ...first.path.slice(0, 3), "operator"].join(".");
    throw badInput(field, `${field}: a segment cannot reference another segment`);
  }
}

function auditView(row: SegmentRow) {
  return {
    id: row.id, teamId: row.teamId, key: row.key, name: row.name, description: row.description,
    included: row.included, excluded: row.excluded, match: row.match as unknown as JsonValue,
  };
}
