// Every cron run (each minute): analyse every enabled canary gate whose feature's kill switch is not
// engaged, as the system. Gates run one after another so a burst of failures engages kill switches
// in a predictable order; one gate failing to analyse never stops the others.
import { and, eq } from "drizzle-orm";
import { canaryGates, features } from "../../../db/schema";
import { analyzeCanaryGate, type CanaryGateRow } from "../insights/analytics/canary-gates";
import { SYSTEM_ACTOR } from "../core/commit";
import { controlDeps, type ControlDeps } from "../core/deps";
import type { ScheduledJob } from "./scheduled";

/** A bound on the work of one run (gates beyond it wait for a later minute). */
export const MAX_GATES_PER_RUN = 200;

export async function runCanaryGates(deps: ControlDeps): Promise<{ analyzed: number; failed: string[] }> {
  const gates: CanaryGateRow[] = (await deps.db.select({ gate: canaryGates }).from(canaryGates)
    .innerJoin(features, eq(features.id, canaryGates.featureId))
    .where(and(eq(canaryGates.enabled, true), eq(features.killSwitchActive, false)))
    .orderBy(canaryGates.createdAt, canaryGates.id).limit(MAX_GATES_PER_RUN)).map((r) => r.gate);
  const failed: string[] = [];
  for (const gate of gates) {
    try {
      await analyzeCanaryGate(deps, SYSTEM_ACTOR, gate, "scheduled");
    } catch (error) {
      failed.push(gate.id);
      deps.log.error("canary gate analysis failed", { gateId: gate.id, error });
    }
  }
  return { analyzed: gates.length - failed.length, failed };
}

export const canaryGatesJob: ScheduledJob = {
  name: "canary-gates",
  async run(env, now) {
    await runCanaryGates(controlDeps(env, { now: () => now }));
  },
};
