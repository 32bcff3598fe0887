// Runs one due scheduled_changes row; called by the environment Durable Object's alarm with
// `controlDeps(env)`. Delivery is at least once, so running is idempotent: only a `pending` row is
// acted on, and it is marked done in the same D1 batch as its effect (a concurrent second run
// loses the feature-version race and, retried, finds the row done). The actor is "system", except
// for stage_change and archive_feature, which run through the stage workflow and the archive path
// as their creator (with the creator's current roles) so that every rule of those paths applies:
// approval policies, prerequisites, freezes, dependents. Those two commit their effect in their own
// batch and the row is marked after it; a retry after a crash in between finds the effect made
// (archive: "already archived", done; stage_change: the stage moved on, blocked with the reason).
//
// Outcomes: done (applied or moot), blocked (the domain refused it at that time: a conflict such as
// dependents, a freeze or the stage's state, or an approval the change would need), failed (it can
// no longer run: the rule, stage or creator is gone, or the creator lost the role).
import { and, eq } from "drizzle-orm";
import { features, prerequisites, rules, scheduledChanges } from "../../../db/schema";
import { dependentsOutside } from "../configuration/bulk-actions";
import type { ServeDocument } from "../../../engine/types";
import { APPROVAL_REQUIRED, approvalRequired, checkFreeze } from "./change-guard";
import { commit, SYSTEM_ACTOR, type Statement } from "../core/commit";
import type { ControlDeps } from "../core/deps";
import { isControlError, type ControlError } from "../core/errors";
import { archiveFeature } from "../configuration/features";
import { featureSnapshot, loadFeatureState, type FeatureState } from "../configuration/feature-state";
import { governanceOf } from "../governance/governance";
import { commitKillSwitch } from "./kill-switch";
import { scheduledPrincipal } from "./scheduled-principal";
import { requestStageChange, type StageAction } from "./stage-workflow";

export type RunOutcome = "applied" | "skipped" | "failed" | "blocked" | "missing";
type Finish = (status: "done" | "failed" | "blocked", result: string, outcome: RunOutcome) => Promise<RunOutcome>;

type ScheduledRow = typeof scheduledChanges.$inferSelect;

export async function runScheduledChange(deps: ControlDeps, id: string): Promise<RunOutcome> {
  const [row] = await deps.db.select().from(scheduledChanges).where(eq(scheduledChanges.id, id)).limit(1);
  if (!row) return "missing";
  if (row.status !== "pending") return "skipped";
  const state = await loadFeatureState(deps, row.featureId);
  const markDone = (result: string) => deps.db.update(scheduledChanges)
    .set({ status: "done", result, executedAt: deps.now() })
    .where(and(eq(scheduledChanges.id, id), eq(scheduledChanges.status, "pending")));
  const finish: Finish = async (status, result, outcome) => {
    await deps.db.update(scheduledChanges).set({ status, result, executedAt: deps.now() })
      .where(and(eq(scheduledChanges.id, id), eq(scheduledChanges.status, "pending")));
    return outcome;
  };

  switch (row.action) {
    case "kill_switch_rollback": {
      const expected = (row.payload as { rollbackAt?: string }).rollbackAt;
      // Only the kill it belongs to: a later re-kill or a manual enable made this run moot.
      if (!state.feature.killSwitchActive || state.feature.killSwitchRollbackAt?.toISOString() !== expected) {
        return finish("done", "skipped: the kill switch changed since this rollback was scheduled", "skipped");
      }
      await commitKillSwitch(deps, SYSTEM_ACTOR, state, { active: false, reason: null, rollbackAt: null },
        [markDone("kill switch released automatically")], "automatic rollback of the kill switch");
      return "applied";
    }
    case "disable":
    case "enable": {
      const active = row.action === "disable";
      if (state.feature.killSwitchActive === active) return finish("done", `skipped: the feature was already ${row.action}d`, "skipped");
      await commitKillSwitch(deps, SYSTEM_ACTOR, state, { active, reason: active ? "scheduled disable" : null, rollbackAt: null },
        [markDone(`feature ${row.action}d`)], `scheduled ${row.action}`);
      return "applied";
    }
    case "set_rollout":
      return runSetRollout(deps, row, state, markDone, finish);
    case "stage_change":
      return runStageChange(deps, row, finish);
    case "archive_feature":
      return runArchive(deps, row, state, finish);
  }
}

/** blocked when the domain refuses the change now (a conflict, or an approval it would need); failed otherwise. */
const refused = (error: ControlError, finish: Finish) =>
  error.code === "CONFLICT" || error.details.reason === APPROVAL_REQUIRED
    ? finish("blocked", error.message, "blocked")
    : finish("failed", error.message, "failed");

/** Runs `act` as the row's creator; ControlErrors end the row (blocked or failed), others are retried. */
async function asCreator(
  deps: ControlDeps, row: ScheduledRow, finish: Finish, act: (principal: NonNullable<Awaited<ReturnType<typeof scheduledPrincipal>>>) => Promise<string>,
): Promise<RunOutcome> {
  const principal = await scheduledPrincipal(deps, row.createdBy);
  if (!principal) return finish("failed", "its creator is no longer an enabled user", "failed");
  try {
    return await finish("done", await act(principal), "applied");
  } catch (error) {
    if (isControlError(error)) return refused(error, finish);
    throw error;
  }
}

function runStageChange(deps: ControlDeps, row: ScheduledRow, finish: Finish): Promise<RunOutcome> {
  const { stageId, stageChange, comment } = row.payload as { stageId: string; stageChange: StageAction; comment?: string };
  return asCreator(deps, row, finish, async (principal) => {
    const { stage, request } = await requestStageChange(deps, principal, stageChange, {
      stageId, comment: comment || `scheduled change ${row.id}`,
    });
    return request ? `${stageChange} requested: approval request ${request.id} is pending` : `${stageChange} applied: the stage is ${stage.status}`;
  });
}

async function runArchive(deps: ControlDeps, row: ScheduledRow, state: FeatureState, finish: Finish): Promise<RunOutcome> {
  if (state.feature.lifecycle === "archived") return finish("done", "skipped: the feature was already archived", "skipped");
  // The dependents check of bulkArchiveFeatures: archiving a required feature turns its dependents off.
  const { db } = deps;
  const [teamFeatures, edges] = await db.batch([
    db.select({ id: features.id, key: features.key, lifecycle: features.lifecycle }).from(features).where(eq(features.teamId, row.teamId)),
    db.select({ featureId: prerequisites.featureId, requiredFeatureId: prerequisites.requiredFeatureId }).from(prerequisites)
      .innerJoin(features, eq(features.id, prerequisites.featureId)).where(eq(features.teamId, row.teamId)),
  ]);
  const [blocking] = dependentsOutside([state.feature], edges, new Map(teamFeatures.map((f) => [f.id, f])));
  if (blocking) {
    return finish("blocked", `${blocking.key} is required by ${blocking.dependents.join(", ")}; archive or change those first`, "blocked");
  }
  return asCreator(deps, row, finish, async (principal) => {
    await archiveFeature(deps, principal, row.featureId);
    return "feature archived";
  });
}

async function runSetRollout(
  deps: ControlDeps, row: ScheduledRow, state: FeatureState, markDone: (result: string) => Statement,
  finish: Finish,
): Promise<RunOutcome> {
  const { ruleId, percentage } = row.payload as { ruleId: string; percentage: number };
  const stage = state.stages.find((s) => s.rules.some((r) => r.id === ruleId));
  const rule = stage?.rules.find((r) => r.id === ruleId);
  if (!stage || !rule) return finish("failed", "the rule no longer exists", "failed");
  const serve = rule.serve as ServeDocument;
  if (serve.kind === "split") return finish("failed", "the rule now serves a split, not a rollout", "failed");
  try {
    const governance = await governanceOf(deps, state.feature.teamId, stage.environmentId);
    // Protected since it was scheduled: the change now needs an approval it never had.
    if (governance.policy) throw approvalRequired(governance.environment.name, governance.policy.name);
    checkFreeze(governance, null, state.feature.teamId, null);
  } catch (error) {
    if (isControlError(error)) return finish("failed", error.message, "failed");
    throw error;
  }
  const next: ServeDocument = { kind: "rollout", variant: serve.variant, percentage, ...(serve.kind === "rollout" && serve.bucketBy ? { bucketBy: serve.bucketBy } : {}) };
  const after: FeatureState = {
    ...state,
    stages: state.stages.map((s) => (s.id !== stage.id ? s : { ...s, rules: s.rules.map((r) => (r.id === ruleId ? { ...r, serve: next } : r)) })),
  };
  await commit(deps, {
    actor: SYSTEM_ACTOR,
    statements: [deps.db.update(rules).set({ serve: next }).where(eq(rules.id, ruleId)), markDone(`rollout set to ${percentage}%`)],
    audit: [{
      teamId: state.feature.teamId, action: "rule.scheduled_rollout", entityType: "rule", entityId: ruleId,
      before: { serve: serve as never }, after: { serve: next as never }, reason: `scheduled change ${row.id}`,
    }],
    featureVersion: {
      featureId: state.feature.id, expectedVersion: state.feature.version, snapshot: featureSnapshot(after),
      summary: `Scheduled rollout ${percentage}% in one rule`, source: "schedule",
    },
    publish: [stage.environmentId],
  });
  return "applied";
}
