// Feature versions: the list, a structured diff of two, and rolling the feature back to one. A
// rollback restores the snapshot's configuration (metadata, variants, every stage's rules and
// default/off variants, prerequisites); deploy states and the kill switch are workflow, not
// configuration, and stay as they are. Where an approval policy covers an affected environment the
// rollback becomes an approval request (action version_rollback) applied once approved.
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { featureStages, featureVersions, features, prerequisites, rules, variants } from "../../../db/schema";
import type { ConditionGroup, JsonValue, ServeDocument } from "../../../engine/types";
import { authorizeEntity, ANY_TEAM_ROLE, type Principal } from "../identity/authz";
import { checkFreeze, type FreezeOverride } from "../workflow/change-guard";
import { commit, type Statement } from "../core/commit";
import type { ControlDeps } from "../core/deps";
import { conflict, notFound } from "../core/errors";
import { CONFIGURE_FEATURES } from "../identity/feature-roles";
import { featureSnapshot, loadFeatureState, type FeatureState } from "./feature-state";
import { governanceOf } from "../governance/governance";
import { diffJson, type DiffEntry } from "../core/json-diff";
import { pageWindow, toConnection, type Connection, type PageArgs } from "../core/pagination";
import { applyPayload, createApprovalRequest, type RequestRow } from "../workflow/stage-workflow";
import { parseInput } from "../core/validation";

export type VersionRow = typeof featureVersions.$inferSelect;

interface SnapshotRule { id: string; priority: number; position: number; name: string; enabled: boolean; match: ConditionGroup[]; serve: ServeDocument }
interface SnapshotStage { environmentId: string; defaultVariant: string | null; offVariant: string | null; rules: SnapshotRule[] }
interface Snapshot {
  name: string; description: string; lifecycle: FeatureState["feature"]["lifecycle"]; owner: string | null; tags: string[];
  variants: { id: string; key: string; value: JsonValue; description: string; position: number }[];
  stages: SnapshotStage[];
  prerequisites: { requiredFeatureId: string; variant: string | null }[];
}

export async function listFeatureVersions(deps: ControlDeps, principal: Principal, featureId: string, page: PageArgs): Promise<Connection<VersionRow>> {
  await authorizeEntity(deps, principal, "feature", featureId, ANY_TEAM_ROLE);
  const window = pageWindow(page);
  const rows = await deps.db.select().from(featureVersions).where(eq(featureVersions.featureId, featureId))
    .orderBy(desc(featureVersions.version)).limit(window.limit + 1).offset(window.offset);
  return toConnection(rows, window);
}

async function versionRow(deps: ControlDeps, featureId: string, version: number, field: string): Promise<VersionRow> {
  const [row] = await deps.db.select().from(featureVersions)
    .where(and(eq(featureVersions.featureId, featureId), eq(featureVersions.version, version))).limit(1);
  if (!row) throw notFound(`Version ${version} (${field})`);
  return row;
}

const diffInput = z.object({ featureId: z.string().min(1), from: z.number().int().min(1), to: z.number().int().min(1) });

export async function diffFeatureVersions(deps: ControlDeps, principal: Principal, raw: unknown): Promise<DiffEntry[]> {
  const input = parseInput(diffInput, raw, "");
  await authorizeEntity(deps, principal, "feature", input.featureId, ANY_TEAM_ROLE);
  const [from, to] = [await versionRow(deps, input.featureId, input.from, "from"), await versionRow(deps, input.featureId, input.to, "to")];
  return diffJson(from.snapshot, to.snapshot);
}

const rollbackInput = z.object({
  featureId: z.string().min(1),
  version: z.number().int().min(1),
  comment: z.string().trim().max(1000).default(""),
  freezeOverrideReason: z.string().nullish(),
}).strict();

export interface VersionRollbackResult {
  /** The new version when applied directly. */
  version: number | null;
  /** The approval request when a policy covers an affected environment. */
  request: RequestRow | null;
}

export async function rollbackFeatureToVersion(deps: ControlDeps, principal: Principal, raw: unknown): Promise<VersionRollbackResult> {
  const input = parseInput(rollbackInput, raw, "");
  const teamId = await authorizeEntity(deps, principal, "feature", input.featureId, CONFIGURE_FEATURES);
  const target = await versionRow(deps, input.featureId, input.version, "version");
  const state = await loadFeatureState(deps, input.featureId);
  const affected = affectedEnvironments(state, target.snapshot as unknown as Snapshot);
  if (affected.length === 0) throw conflict(`The feature's configuration already equals version ${input.version}`);
  for (const environmentId of affected) {
    const governance = await governanceOf(deps, teamId, environmentId);
    if (governance.policy) {
      const request = await createApprovalRequest(deps, principal, {
        teamId, policy: governance.policy, state, environmentId, action: "version_rollback",
        payload: { version: input.version, environmentIds: affected }, comment: input.comment,
        audit: { entityType: "feature", entityId: state.feature.id, action: "feature.request_version_rollback", before: { version: state.feature.version }, after: { toVersion: input.version } },
      });
      return { version: null, request };
    }
  }
  const override = await freezeCheck(deps, principal, teamId, affected, input.freezeOverrideReason);
  return { version: await applyRollback(deps, principal, state, target, [], override), request: null };
}

async function freezeCheck(deps: ControlDeps, principal: Principal, teamId: string, environmentIds: string[], reason: string | null | undefined) {
  let override: FreezeOverride | null = null;
  for (const environmentId of environmentIds) override = checkFreeze(await governanceOf(deps, teamId, environmentId), principal, teamId, reason) ?? override;
  return override;
}

/** Environments whose served configuration differs from the snapshot (all of them when variants or metadata do). */
function affectedEnvironments(state: FeatureState, snapshot: Snapshot): string[] {
  const current = featureSnapshot(state) as unknown as Snapshot;
  const all = state.stages.map((s) => s.environmentId);
  const shared = (s: Snapshot) => JSON.stringify([s.name, s.description, s.lifecycle, s.owner, s.tags, s.variants, s.prerequisites]);
  if (shared(current) !== shared(snapshot)) return all;
  const served = (stage: SnapshotStage | undefined) => JSON.stringify(stage ? [stage.defaultVariant, stage.offVariant, stage.rules] : null);
  return all.filter((environmentId) => served(current.stages.find((s) => s.environmentId === environmentId))
    !== served(snapshot.stages.find((s) => s.environmentId === environmentId)));
}

async function applyRollback(
  deps: ControlDeps, principal: Principal, state: FeatureState, target: VersionRow, extra: Statement[], override: FreezeOverride | null,
  expectedVersion = state.feature.version,
): Promise<number> {
  const snapshot = target.snapshot as unknown as Snapshot;
  const { db } = deps;
  const featureId = state.feature.id;
  const statements: Statement[] = [
    db.update(features).set({
      name: snapshot.name, description: snapshot.description, lifecycle: snapshot.lifecycle, owner: snapshot.owner, tags: snapshot.tags,
    }).where(eq(features.id, featureId)),
    db.delete(variants).where(eq(variants.featureId, featureId)),
    ...snapshot.variants.map((v) => db.insert(variants).values({ id: v.id, featureId, key: v.key, value: v.value, description: v.description, position: v.position })),
    db.delete(prerequisites).where(eq(prerequisites.featureId, featureId)),
    ...snapshot.prerequisites.map((p) => db.insert(prerequisites).values({ featureId, requiredFeatureId: p.requiredFeatureId, variant: p.variant })),
  ];
  for (const stage of state.stages) {
    const old = snapshot.stages.find((s) => s.environmentId === stage.environmentId);
    if (!old) continue; // a stage added after that version keeps its configuration
    statements.push(
      db.update(featureStages).set({ defaultVariant: old.defaultVariant, offVariant: old.offVariant }).where(eq(featureStages.id, stage.id)),
      db.delete(rules).where(eq(rules.stageId, stage.id)),
      ...old.rules.map((r) => db.insert(rules).values({
        id: r.id, stageId: stage.id, priority: r.priority, position: r.position, name: r.name, enabled: r.enabled, match: r.match, serve: r.serve,
      })),
    );
  }
  const after = await afterState(state, snapshot);
  try {
    const result = await commit(deps, {
      actor: principal,
      statements: [...statements, ...extra],
      audit: [{
        teamId: state.feature.teamId, action: "feature.rollback_to_version", entityType: "feature", entityId: featureId,
        before: { version: state.feature.version }, after: { restoredVersion: target.version },
        reason: override ? `freeze override: ${override.reason}` : null,
      }],
      featureVersion: { featureId, expectedVersion, snapshot: featureSnapshot(after), summary: `Rolled back to version ${target.version}`, source: "rollback" },
      publish: state.stages.map((s) => s.environmentId),
    });
    return result.featureVersion!;
  } catch (error) {
    if (/FOREIGN KEY constraint failed/.test(`${error} ${(error as { cause?: unknown }).cause ?? ""}`)) {
      throw conflict(`Version ${target.version} refers to a feature that no longer exists (a prerequisite)`);
    }
    throw error;
  }
}

/** The feature state the rollback writes (for its own version snapshot). */
async function afterState(state: FeatureState, snapshot: Snapshot): Promise<FeatureState> {
  return {
    ...state,
    feature: { ...state.feature, name: snapshot.name, description: snapshot.description, lifecycle: snapshot.lifecycle, owner: snapshot.owner, tags: snapshot.tags },
    variants: snapshot.variants.map((v) => ({ ...v, featureId: state.feature.id })),
    stages: state.stages.map((stage) => {
      const old = snapshot.stages.find((s) => s.environmentId === stage.environmentId);
      return old ? {
        ...stage, defaultVariant: old.defaultVariant, offVariant: old.offVariant,
        rules: old.rules.map((r) => ({ ...r, stageId: stage.id, createdAt: new Date(0) })),
      } : stage;
    }),
    prerequisites: snapshot.prerequisites.map((p) => ({ ...p, requiredKey: (p as { key?: string }).key ?? "" })),
  };
}

// Applying an approved version rollback: against the request's base version, so any edit since invalidates it.
applyPayload.version_rollback = async (deps, principal, state, request, extra, override) => {
  const { version } = request.payload as { version: number };
  const target = await versionRow(deps, state.feature.id, version, "version");
  const environmentIds = (request.payload as { environmentIds?: string[] }).environmentIds ?? [];
  const freeze = override ?? await freezeCheck(deps, principal, state.feature.teamId, environmentIds.filter((id) => id !== request.environmentId), null);
  return applyRollback(deps, principal, state, target, extra, freeze, request.baseFeatureVersion);
};
