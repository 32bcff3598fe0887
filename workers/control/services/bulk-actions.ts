// Bulk edits of feature bookkeeping (owner, tags, lifecycle) across up to 100 features of a team.
// Everything is checked before anything is written: the input, the caller's role (the feature
// writers of feature-roles.ts) and that every id is a feature of the team (else NOT_FOUND and no
// write). Each feature is then changed through updateFeature, exactly as a single update (its own
// audit row, feature version, concurrency check and change guard), and reported on its own: one
// feature failing (a concurrent edit, a freeze blocking an unarchive) does not undo the others.
// Archiving is not offered: it must pass the change guard feature by feature (archiveFeature).
import { and, eq, inArray } from "drizzle-orm";
import { z } from "zod";
import { features, LIFECYCLES } from "../../../db/schema";
import { authorizeEntity, type Principal } from "./authz";
import type { ControlDeps } from "./deps";
import { badInput, isControlError, notFound, type ControlErrorCode } from "./errors";
import { CONFIGURE_FEATURES } from "./feature-roles";
import { updateFeature } from "./features";
import { parseInput } from "./validation";

export const BULK_FEATURE_ACTIONS = ["update_owner", "add_tags", "remove_tags", "set_lifecycle"] as const;
export type BulkFeatureAction = (typeof BULK_FEATURE_ACTIONS)[number];
export const MAX_BULK_FEATURES = 100;

const bulkInput = z.object({
  teamId: z.string().min(1),
  featureIds: z.array(z.string().min(1)).min(1).max(MAX_BULK_FEATURES, `at most ${MAX_BULK_FEATURES} features per call`)
    .transform((ids) => [...new Set(ids)]),
  action: z.enum(BULK_FEATURE_ACTIONS),
  owner: z.string().nullish(),
  tags: z.array(z.string()).nullish(),
  lifecycle: z.enum(LIFECYCLES).exclude(["archived"], { error: "archiving goes through archiveFeature, one feature at a time" }).nullish(),
}).strict();

export interface BulkFeatureOutcome {
  featureId: string;
  ok: boolean;
  /** The error code when not ok (CONFLICT, BAD_USER_INPUT, ...). */
  error: ControlErrorCode | null;
  message: string | null;
  /** The feature's version after the change (null when it failed). */
  version: number | null;
}

export interface BulkFeatureResult {
  succeeded: number;
  failed: number;
  results: BulkFeatureOutcome[];
}

type Current = { id: string; version: number; tags: string[] };

/** The updateFeature input for one feature (owner/tags/lifecycle are validated there, as for a single update). */
function changeFor(input: z.output<typeof bulkInput>, current: Current): Record<string, unknown> {
  const base = { id: current.id, expectedVersion: current.version };
  switch (input.action) {
    case "update_owner": return { ...base, owner: input.owner ?? null };
    case "add_tags": return { ...base, tags: [...current.tags, ...input.tags!] };
    case "remove_tags": return { ...base, tags: current.tags.filter((tag) => !input.tags!.includes(tag)) };
    case "set_lifecycle": return { ...base, lifecycle: input.lifecycle };
  }
}

export async function bulkUpdateFeatures(deps: ControlDeps, principal: Principal, raw: unknown): Promise<BulkFeatureResult> {
  const input = parseInput(bulkInput, raw, "");
  if ((input.action === "add_tags" || input.action === "remove_tags") && !input.tags?.length) {
    throw badInput("tags", `tags: ${input.action} needs at least one tag`);
  }
  if (input.action === "set_lifecycle" && !input.lifecycle) throw badInput("lifecycle", "lifecycle: set_lifecycle needs a lifecycle");
  await authorizeEntity(deps, principal, "team", input.teamId, CONFIGURE_FEATURES);
  const rows = await deps.db.select({ id: features.id, version: features.version, tags: features.tags }).from(features)
    .where(and(eq(features.teamId, input.teamId), inArray(features.id, input.featureIds)));
  if (rows.length !== input.featureIds.length) throw notFound("Feature");
  const byId = new Map(rows.map((row) => [row.id, row]));
  const results: BulkFeatureOutcome[] = [];
  for (const featureId of input.featureIds) {
    try {
      const updated = await updateFeature(deps, principal, changeFor(input, byId.get(featureId)!));
      results.push({ featureId, ok: true, error: null, message: null, version: updated.version });
    } catch (error) {
      if (!isControlError(error)) throw error;
      results.push({ featureId, ok: false, error: error.code, message: error.message, version: null });
    }
  }
  const succeeded = results.filter((r) => r.ok).length;
  return { succeeded, failed: results.length - succeeded, results };
}
