// The team's system overview (the original's `system?teamId` cards, plus governance counts):
// features by lifecycle, clients, evaluations today / yesterday / over 7 days from the per-minute
// rollups (UTC days; today runs up to `now`), environments, pending approval requests and active
// kill switches. Five statements in ONE D1 batch: one round trip, whatever the team's size.
import { sql } from "drizzle-orm";
import { LIFECYCLES } from "../../../../db/schema";
import { requireTeamMember, type Principal } from "../../identity/authz";
import type { ControlDeps } from "../../core/deps";
import { notFound } from "../../core/errors";
import { MINUTE_MS } from "../analytics/periods";
import { readBatch } from "./raw-batch";
import { DAY_MS, dayStart } from "./utc-buckets";

type Lifecycle = (typeof LIFECYCLES)[number];

export interface SystemMetrics {
  teamId: string;
  now: Date;
  totalFeatures: number;
  featuresByLifecycle: Record<Lifecycle, number>;
  /** Enabled clients (a disabled client's credentials are refused). */
  activeClients: number;
  totalClients: number;
  environments: number;
  /** Evaluations since 00:00 UTC today, up to now. */
  evaluationsToday: number;
  /** Evaluations during the previous UTC day. */
  evaluationsYesterday: number;
  /** Evaluations over the last 7 UTC days, today included. */
  totalEvaluations7d: number;
  /** Of those, the ones whose reason is not ERROR. */
  successfulEvaluations7d: number;
  /** successfulEvaluations7d / totalEvaluations7d (0..1); null without evaluations. */
  successRate: number | null;
  pendingApprovals: number;
  activeKillSwitches: number;
}

export async function systemMetrics(deps: ControlDeps, principal: Principal, teamId: string, at?: Date | null): Promise<SystemMetrics> {
  requireTeamMember(principal, teamId);
  const now = (at ?? deps.now()).getTime();
  const today = dayStart(now);
  const minute = (ms: number) => Math.floor(ms / MINUTE_MS);
  const [todayMin, yesterdayMin, weekMin, nowMin] = [minute(today), minute(today - DAY_MS), minute(today - 6 * DAY_MS), minute(now)];
  const [team, lifecycles, [clients], [evaluations], [governance]] = await readBatch<[
    { id: string }[], { lifecycle: Lifecycle; count: number }[], { total: number; active: number }[],
    { today: number; yesterday: number; week: number; successful: number }[], { environments: number; pending: number; killed: number }[],
  ]>(deps, [
    sql`SELECT id FROM teams WHERE id = ${teamId}`,
    sql`SELECT lifecycle, COUNT(*) AS count FROM features WHERE team_id = ${teamId} GROUP BY lifecycle`,
    sql`SELECT COUNT(*) AS total, COALESCE(SUM(enabled), 0) AS active FROM clients WHERE team_id = ${teamId}`,
    sql`
      SELECT COALESCE(SUM(CASE WHEN r.minute >= ${todayMin} THEN r.count END), 0) AS today,
             COALESCE(SUM(CASE WHEN r.minute >= ${yesterdayMin} AND r.minute < ${todayMin} THEN r.count END), 0) AS yesterday,
             COALESCE(SUM(r.count), 0) AS week,
             COALESCE(SUM(CASE WHEN r.reason <> 'ERROR' THEN r.count END), 0) AS successful
      FROM evaluation_rollups r
      WHERE r.environment_id IN (SELECT id FROM environments WHERE team_id = ${teamId}) AND r.minute BETWEEN ${weekMin} AND ${nowMin}`,
    sql`
      SELECT (SELECT COUNT(*) FROM environments WHERE team_id = ${teamId}) AS environments,
             (SELECT COUNT(*) FROM approval_requests WHERE team_id = ${teamId} AND status = 'pending') AS pending,
             (SELECT COUNT(*) FROM features WHERE team_id = ${teamId} AND kill_switch_active = 1) AS killed`,
  ]);
  if (team.length === 0) throw notFound("Team");
  const featuresByLifecycle = Object.fromEntries(LIFECYCLES.map((l) => [l, 0])) as Record<Lifecycle, number>;
  for (const row of lifecycles) featuresByLifecycle[row.lifecycle] = row.count;
  const week = evaluations?.week ?? 0;
  const successful = evaluations?.successful ?? 0;
  return {
    teamId, now: new Date(now),
    totalFeatures: lifecycles.reduce((sum, row) => sum + row.count, 0), featuresByLifecycle,
    activeClients: clients?.active ?? 0, totalClients: clients?.total ?? 0,
    environments: governance?.environments ?? 0,
    evaluationsToday: evaluations?.today ?? 0, evaluationsYesterday: evaluations?.yesterday ?? 0,
    totalEvaluations7d: week, successfulEvaluations7d: successful, successRate: week === 0 ? null : successful / week,
    pendingApprovals: governance?.pending ?? 0, activeKillSwitches: governance?.killed ?? 0,
  };
}
