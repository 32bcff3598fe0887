// The kill switch: an emergency stop of a feature in EVERY environment at once (the snapshot
// builder serves it DISABLED), with an optional automatic re-enable after N minutes, run by the
// alarm of the environment object of the feature's first stage. Team admins and system admins
// only. Deliberately outside the approval and freeze gates: an emergency stop must not wait for
// votes, and it only ever switches the feature off (or back to what was approved before).
//
// Meaning of `killSwitchEnabled` in the API: true while the kill switch is engaged (the feature is
// disabled). The original FluxGate stored the inverse (kill_switch_enabled = true meant
// "operational"); we expose the reading the seed README's mutation names imply.
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { features, scheduledChanges } from "../../../db/schema";
import type { Principal } from "../identity/authz";
import { authorizeEntity, TEAM_ADMIN, requireTeamMember } from "../identity/authz";
import { commit, type Actor, type Statement } from "../core/commit";
import { announceKillSwitch } from "../notifications/announce";
import type { ControlDeps } from "../core/deps";
import { badInput } from "../core/errors";
import { environmentIdsOf, featureSnapshot, loadFeatureState, type FeatureRow, type FeatureState } from "../configuration/feature-state";
import { killSwitchChanged } from "../notifications/catalog";
import { parseInput } from "../core/validation";

/** The seed UI offered 5-60 minutes; we accept 1 minute to 7 days. */
export const MAX_ROLLBACK_MINUTES = 7 * 24 * 60;

const disableInput = z.object({
  id: z.string().min(1),
  rollbackInMinutes: z.number().int().min(1).max(MAX_ROLLBACK_MINUTES).nullish(),
  reason: z.string().trim().max(500).nullish(),
});

export interface KillSwitchChange {
  active: boolean;
  reason: string | null;
  rollbackAt: Date | null;
  /** The change's time (defaults to deps.now()), so activation and rollback times share one clock read. */
  at?: Date;
}

const killSwitchView = (feature: Pick<FeatureRow, "killSwitchActive" | "killSwitchReason" | "killSwitchRollbackAt">) => ({
  killSwitchActive: feature.killSwitchActive,
  killSwitchReason: feature.killSwitchReason,
  killSwitchRollbackAt: feature.killSwitchRollbackAt?.toISOString() ?? null,
});

/**
 * Commits a kill-switch change of `state.feature` with `extra` statements in the same batch
 * (feature row, version with source kill_switch, audit) and publishes every environment of the
 * feature, then announces the change to the feature's environments (kill_switch events for
 * subscribers). Returns the feature as written. The alarm-driven rollback comes through here too.
 */
export async function commitKillSwitch(
  deps: ControlDeps, actor: Actor, state: FeatureState, change: KillSwitchChange, extra: Statement[] = [], auditReason: string | null = null,
): Promise<FeatureRow> {
  const now = change.at ?? deps.now();
  const columns: Partial<FeatureRow> = change.active
    ? {
      killSwitchActive: true, killSwitchReason: change.reason, killSwitchActivatedAt: now,
      killSwitchActivatedBy: actor.userId, killSwitchRollbackAt: change.rollbackAt,
    }
    : { killSwitchActive: false, killSwitchReason: null, killSwitchActivatedAt: null, killSwitchActivatedBy: null, killSwitchRollbackAt: null };
  const after: FeatureState = { ...state, feature: { ...state.feature, ...columns } };
  const { featureVersion } = await commit(deps, {
    actor,
    statements: [deps.db.update(features).set(columns).where(eq(features.id, state.feature.id)), ...extra],
    audit: [{
      teamId: state.feature.teamId, action: change.active ? "feature.kill_switch_on" : "feature.kill_switch_off",
      entityType: "feature", entityId: state.feature.id,
      before: killSwitchView(state.feature), after: killSwitchView(after.feature), reason: auditReason ?? change.reason,
    }],
    featureVersion: {
      featureId: state.feature.id, expectedVersion: state.feature.version, snapshot: featureSnapshot(after),
      summary: change.active ? "Kill switch engaged" : "Kill switch released", source: "kill_switch",
    },
    publish: environmentIdsOf(state),
    notifications: [killSwitchChanged(state.feature, change.active, change, actor.username, now)],
  });
  await announceKillSwitch(deps, state.feature, environmentIdsOf(state), { engaged: change.active, rollbackAt: change.active ? change.rollbackAt : null, at: now });
  return { ...after.feature, version: featureVersion ?? after.feature.version, updatedAt: now };
}

/** Cancels the feature's pending automatic rollbacks (a statement for the same batch). */
const cancelPendingRollbacks = (deps: ControlDeps, featureId: string) => deps.db.update(scheduledChanges)
  .set({ status: "cancelled", result: "superseded by a later kill-switch change" })
  .where(and(eq(scheduledChanges.featureId, featureId), eq(scheduledChanges.action, "kill_switch_rollback"), eq(scheduledChanges.status, "pending")));

export async function emergencyDisableFeature(deps: ControlDeps, principal: Principal, raw: unknown): Promise<FeatureRow> {
  const input = parseInput(disableInput, raw, "");
  await authorizeEntity(deps, principal, "feature", input.id, TEAM_ADMIN);
  return engageKillSwitch(deps, principal, input.id, input.rollbackInMinutes ?? null, input.reason ?? null);
}

/**
 * Engages the kill switch as `actor` without an authorisation check: for emergencyDisableFeature
 * (after its check) and for the system itself (a failing canary gate's automatic rollback).
 */
export async function engageKillSwitch(
  deps: ControlDeps, actor: Actor, featureId: string, rollbackInMinutes: number | null, reason: string | null,
): Promise<FeatureRow> {
  const state = await loadFeatureState(deps, featureId);
  const now = deps.now();
  const rollbackAt = rollbackInMinutes ? new Date(now.getTime() + rollbackInMinutes * 60_000) : null;
  const extra: Statement[] = [cancelPendingRollbacks(deps, state.feature.id)];
  if (rollbackAt) {
    // The first stage's environment object runs the rollback: one object per feature, so the
    // rollback is one item (never raced by several objects), on an object the feature always has.
    const environmentId = state.stages[0]?.environmentId;
    if (!environmentId) throw badInput("rollbackInMinutes", "the feature has no environment to schedule its rollback in");
    const id = crypto.randomUUID();
    extra.push(deps.db.insert(scheduledChanges).values({
      id, teamId: state.feature.teamId, featureId: state.feature.id, environmentId, action: "kill_switch_rollback",
      payload: { rollbackAt: rollbackAt.toISOString() }, runAt: rollbackAt, createdBy: actor.userId, createdAt: now,
    }));
    // Scheduled before the commit: if the commit fails, the item finds no pending row and does nothing.
    await deps.scheduler.schedule(environmentId, { id, runAt: rollbackAt.getTime() });
  }
  return commitKillSwitch(deps, actor, state, { active: true, reason, rollbackAt, at: now }, extra);
}

export async function emergencyEnableFeature(deps: ControlDeps, principal: Principal, raw: unknown): Promise<FeatureRow> {
  const { id } = parseInput(z.object({ id: z.string().min(1) }), raw, "");
  await authorizeEntity(deps, principal, "feature", id, TEAM_ADMIN);
  const state = await loadFeatureState(deps, id);
  if (!state.feature.killSwitchActive) return state.feature;
  return commitKillSwitch(deps, principal, state, { active: false, reason: null, rollbackAt: null }, [cancelPendingRollbacks(deps, id)]);
}

/** Features of the team whose kill switch is engaged, with their rollback times. Team members. */
export async function activeKillSwitches(deps: ControlDeps, principal: Principal, teamId: string): Promise<FeatureRow[]> {
  requireTeamMember(principal, teamId);
  return deps.db.select().from(features)
    .where(and(eq(features.teamId, teamId), eq(features.killSwitchActive, true))).orderBy(features.key);
}
