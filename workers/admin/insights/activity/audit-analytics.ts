// Audit analytics of a team: what changed over the last `windowDays` UTC days (today included, up to
// `now`), optionally narrowed to one actor, one action or one environment (audit-entities.ts says
// which environment a row concerns). Every figure is a SQL aggregate; the six statements (plus the
// environment check) go to D1 as ONE batch: one round trip after authorisation, whatever the data.
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { requireTeamMember, type Principal } from "../../identity/authz";
import type { ControlDeps } from "../../core/deps";
import { notFound } from "../../core/errors";
import { parseInput } from "../../core/validation";
import { scopedAuditRows } from "./audit-entities";
import { readBatch } from "./raw-batch";
import { DAY_MS, dayStart } from "./utc-buckets";

export const MAX_WINDOW_DAYS = 365;
export const TOP_FEATURES = 10;

const argsSchema = z.object({
  windowDays: z.number().int().min(1).max(MAX_WINDOW_DAYS),
  actorId: z.string().min(1).max(100).nullish(),
  action: z.string().min(1).max(100).nullish(),
  environmentId: z.string().min(1).max(100).nullish(),
});

export interface AuditAnalyticsArgs {
  teamId: string;
  windowDays: number;
  actorId?: string | null;
  action?: string | null;
  environmentId?: string | null;
  /** As of this instant (default: the clock). */
  now?: Date | null;
}

export interface AuditAnalytics {
  teamId: string;
  from: Date;
  to: Date;
  windowDays: number;
  totalChanges: number;
  uniqueActors: number;
  uniqueEntities: number;
  byAction: { action: string; count: number }[];
  byActor: { actorId: string | null; actorName: string; count: number }[];
  byEnvironment: { environmentId: string; environmentKey: string | null; environmentName: string | null; count: number }[];
  /** Changes not tied to one environment (feature metadata, pipelines, members...). */
  teamWideChanges: number;
  byDay: { day: Date; count: number }[];
  mostChangedFeatures: { featureId: string; featureKey: string | null; featureName: string | null; count: number; lastChangedAt: Date }[];
}

type TotalsRow = { total: number; actors: number; entities: number; team_wide: number };
type ActorRow = { actor_id: string | null; actor_name: string; count: number };
type EnvironmentRow = { environment_id: string; key: string | null; name: string | null; count: number };
type DayRow = { day: number; count: number };
type FeatureRow = { feature_id: string; key: string | null; name: string | null; count: number; last_at: number };

export async function auditAnalytics(deps: ControlDeps, principal: Principal, args: AuditAnalyticsArgs): Promise<AuditAnalytics> {
  requireTeamMember(principal, args.teamId);
  const input = parseInput(argsSchema, {
    windowDays: args.windowDays, actorId: args.actorId, action: args.action, environmentId: args.environmentId,
  }, "");
  const now = (args.now ?? deps.now()).getTime();
  const from = dayStart(now) - (input.windowDays - 1) * DAY_MS;
  const where: SQL[] = [sql`a.created_at >= ${from}`, sql`a.created_at <= ${now}`];
  if (input.actorId) where.push(sql`a.actor_id = ${input.actorId}`);
  if (input.action) where.push(sql`a.action = ${input.action}`);
  const rows = scopedAuditRows(args.teamId, where, input.environmentId);
  const [environmentCheck, [totals], byAction, byActor, byEnvironment, byDay, features] = await readBatch<[
    { id: string }[], TotalsRow[], { action: string; count: number }[], ActorRow[], EnvironmentRow[], DayRow[], FeatureRow[],
  ]>(deps, [
    sql`SELECT id FROM environments WHERE id = ${input.environmentId ?? ""} AND team_id = ${args.teamId}`,
    sql`${rows}
      SELECT COUNT(*) AS total, COUNT(DISTINCT COALESCE(s.actor_id, 'name:' || s.actor_name)) AS actors,
             COUNT(DISTINCT s.entity_type || ':' || s.entity_id) AS entities,
             COALESCE(SUM(s.environment_id IS NULL), 0) AS team_wide
      FROM scoped s`,
    sql`${rows}
      SELECT s.action, COUNT(*) AS count FROM scoped s GROUP BY s.action ORDER BY count DESC, s.action`,
    sql`${rows}
      SELECT s.actor_id, COALESCE(NULLIF(u.display_name, ''), u.username, MAX(s.actor_name)) AS actor_name, COUNT(*) AS count
      FROM scoped s LEFT JOIN users u ON u.id = s.actor_id
      GROUP BY s.actor_id, CASE WHEN s.actor_id IS NULL THEN s.actor_name END
      ORDER BY count DESC, actor_name`,
    sql`${rows}
      SELECT s.environment_id, e.key, e.name, COUNT(*) AS count
      FROM scoped s LEFT JOIN environments e ON e.id = s.environment_id AND e.team_id = ${args.teamId}
      WHERE s.environment_id IS NOT NULL GROUP BY s.environment_id ORDER BY count DESC, e.key`,
    sql`${rows}
      SELECT s.created_at / ${sql.raw(String(DAY_MS))} AS day, COUNT(*) AS count FROM scoped s GROUP BY day`,
    sql`${rows}
      SELECT s.feature_id, f.key, f.name, COUNT(*) AS count, MAX(s.created_at) AS last_at
      FROM scoped s LEFT JOIN features f ON f.id = s.feature_id AND f.team_id = ${args.teamId}
      WHERE s.feature_id IS NOT NULL
      GROUP BY s.feature_id ORDER BY count DESC, last_at DESC, f.key LIMIT ${sql.raw(String(TOP_FEATURES))}`,
  ]);
  if (input.environmentId && environmentCheck.length === 0) throw notFound("Environment");
  const perDay = new Map(byDay.map((row) => [row.day, row.count]));
  const days: { day: Date; count: number }[] = [];
  for (let day = from; day <= now; day += DAY_MS) days.push({ day: new Date(day), count: perDay.get(day / DAY_MS) ?? 0 });
  return {
    teamId: args.teamId, from: new Date(from), to: new Date(now), windowDays: input.windowDays,
    totalChanges: totals?.total ?? 0, uniqueActors: totals?.actors ?? 0, uniqueEntities: totals?.entities ?? 0,
    teamWideChanges: totals?.team_wide ?? 0,
    byAction,
    byActor: byActor.map((row) => ({ actorId: row.actor_id, actorName: row.actor_name, count: row.count })),
    byEnvironment: byEnvironment.map((row) => ({ environmentId: row.environment_id, environmentKey: row.key, environmentName: row.name, count: row.count })),
    byDay: days,
    mostChangedFeatures: features.map((row) => ({
      featureId: row.feature_id, featureKey: row.key, featureName: row.name, count: row.count, lastChangedAt: new Date(row.last_at),
    })),
  };
}
