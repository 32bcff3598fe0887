// Runs one due scheduled_changes row; called by the environment Durable Object's alarm with
// `controlDeps(env)`. Delivery is at least once, so running is idempotent: only a `pending` row is
// acted on, and it is marked done in the same D1 batch as its effect (a concurrent second run
// loses the feature-version race and, retried, finds the row done). The actor is "system".
import { and, eq } from "drizzle-orm";
import { rules, scheduledChanges } from "../../../db/schema";
import type { ServeDocument } from "../../../engine/types";
import { approvalRequired, checkFreeze } from "./change-guard";
import { commit, SYSTEM_ACTOR, type Statement } from "./commit";
import type { ControlDeps } from "./deps";
import { isControlError } from "./errors";
import { featureSnapshot, loadFeatureState, type FeatureState } from "./feature-state";
import { governanceOf } from "./governance";
import { commitKillSwitch } from "./kill-switch";

export type RunOutcome = "applied" | "skipped" | "failed" | "missing";

type ScheduledRow = typeof scheduledChanges.$inferSelect;

export async function runScheduledChange(deps: ControlDeps, id: string): Promise<RunOutcome> {
  const [row] = await deps.db.select().from(scheduledChanges).where(eq(scheduledChanges.id, id)).limit(1);
  if (!row) return "missing";
  if (row.status !== "pending") return "skipped";
  const state = await loadFeatureState(deps, row.featureId);
  const markDone = (result: string) => deps.db.update(scheduledChanges)
    .set({ status: "done", result, executedAt: deps.now() })
    .where(and(eq(scheduledChanges.id, id), eq(scheduledChanges.status, "pending")));
  const finish = async (status: "done" | "failed", result: string, outcome: RunOutcome) => {
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
  }
}

async function runSetRollout(
  deps: ControlDeps, row: ScheduledRow, state: FeatureState, markDone: (result: string) => Statement,
  finish: (status: "done" | "failed", result: string, outcome: RunOutcome) => Promise<RunOutcome>,
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
