// The team's recent activity, newest first: audit rows filtered by actions, entity, actor and a time
// range, each enriched with what it is about (its environment, its feature, a label for its entity
// and the actor's current name). The enrichment is joined into the page's one statement (the
// environment and feature of a row are resolved by audit-entities.ts), so a page of any size is one
// D1 round trip: no lookups per row.
import { sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { JsonValue } from "../../../../engine/types";
import { requireTeamMember, type Principal } from "../../identity/authz";
import type { ControlDeps } from "../../core/deps";
import { pageWindow, toConnection, type Connection, type PageArgs } from "../../core/pagination";
import { parseInput } from "../../core/validation";
import { AUDIT_ENVIRONMENT, AUDIT_FEATURE } from "./audit-entities";

export const MAX_ACTION_FILTERS = 50;

const filterSchema = z.object({
  actions: z.array(z.string().min(1).max(100)).max(MAX_ACTION_FILTERS).nullish(),
  entityType: z.string().min(1).max(100).nullish(),
  entityId: z.string().min(1).max(100).nullish(),
  actorId: z.string().min(1).max(100).nullish(),
  from: z.date().nullish(),
  to: z.date().nullish(),
}).refine((f) => !f.from || !f.to || f.to.getTime() > f.from.getTime(), { message: "must be after from", path: ["to"] });

export type ActivityFilter = z.input<typeof filterSchema>;

export interface ActivityEntry {
  id: string;
  action: string;
  entityType: string;
  entityId: string;
  /** The entity's key or name now (or, once deleted, as its last audit diff recorded it). */
  entityLabel: string | null;
  actorId: string | null;
  /** The actor's display name (else username) now; the name recorded at the time for system or deleted actors. */
  actorName: string;
  reason: string | null;
  createdAt: Date;
  diff: { before: JsonValue; after: JsonValue };
  environment: { id: string; key: string | null; name: string | null } | null;
  feature: { id: string; key: string | null; name: string | null } | null;
}

const ENTITY_LABEL = sql.raw(`COALESCE(CASE a.entity_type
    WHEN 'feature' THEN (SELECT key FROM features WHERE id = a.entity_id)
    WHEN 'environment' THEN (SELECT key FROM environments WHERE id = a.entity_id)
    WHEN 'feature_stage' THEN (SELECT f.key || '/' || e.key FROM feature_stages s JOIN features f ON f.id = s.feature_id JOIN environments e ON e.id = s.environment_id WHERE s.id = a.entity_id)
    WHEN 'variant' THEN (SELECT key FROM variants WHERE id = a.entity_id)
    WHEN 'segment' THEN (SELECT key FROM segments WHERE id = a.entity_id)
    WHEN 'context' THEN (SELECT key FROM contexts WHERE id = a.entity_id)
    WHEN 'client' THEN (SELECT name FROM clients WHERE id = a.entity_id)
    WHEN 'pipeline' THEN (SELECT name FROM pipelines WHERE id = a.entity_id)
    WHEN 'freeze_window' THEN (SELECT name FROM freeze_windows WHERE id = a.entity_id)
    WHEN 'approval_policy' THEN (SELECT name FROM approval_policies WHERE id = a.entity_id)
    WHEN 'team' THEN (SELECT name FROM teams WHERE id = a.entity_id)
    WHEN 'user' THEN (SELECT username FROM users WHERE id = a.entity_id)
  END, json_extract(a.diff, '$.after.key'), json_extract(a.diff, '$.before.key'),
       json_extract(a.diff, '$.after.name'), json_extract(a.diff, '$.before.name'))`);

interface Row {
  id: string; action: string; entity_type: string; entity_id: string; entity_label: string | null;
  actor_id: string | null; actor_name: string; reason: string | null; created_at: number; diff: string;
  environment_id: string | null; environment_key: string | null; environment_name: string | null;
  feature_id: string | null; feature_key: string | null; feature_name: string | null;
}

export async function recentActivity(
  deps: ControlDeps, principal: Principal, teamId: string, filter: ActivityFilter | null | undefined, page: PageArgs,
): Promise<Connection<ActivityEntry>> {
  requireTeamMember(principal, teamId);
  const f = parseInput(filterSchema, filter ?? {}, "filter");
  const window = pageWindow(page);
  const where: SQL[] = [sql`a.team_id = ${teamId}`];
  if (f.actions?.length) where.push(sql`a.action IN (${sql.join(f.actions.map((action) => sql`${action}`), sql`, `)})`);
  if (f.entityType) where.push(sql`a.entity_type = ${f.entityType}`);
  if (f.entityId) where.push(sql`a.entity_id = ${f.entityId}`);
  if (f.actorId) where.push(sql`a.actor_id = ${f.actorId}`);
  if (f.from) where.push(sql`a.created_at >= ${f.from.getTime()}`);
  if (f.to) where.push(sql`a.created_at < ${f.to.getTime()}`);
  const rows = await deps.db.all<Row>(sql`
    WITH page AS (
      SELECT a.rowid AS seq, a.id, a.action, a.entity_type, a.entity_id, a.actor_id, a.actor_name, a.reason, a.created_at, a.diff
      FROM audit_log a WHERE ${sql.join(where, sql` AND `)}
      ORDER BY a.created_at DESC, a.rowid DESC LIMIT ${window.limit + 1} OFFSET ${window.offset}),
    -- Resolved for the page's rows only, not for every row the filter matches.
    resolved AS (
      SELECT a.*, ${ENTITY_LABEL} AS entity_label, ${AUDIT_ENVIRONMENT} AS environment_id, ${AUDIT_FEATURE} AS feature_id FROM page a)
    SELECT p.id, p.action, p.entity_type, p.entity_id, p.entity_label, p.actor_id, p.reason, p.created_at, p.diff, p.environment_id, p.feature_id,
           COALESCE(NULLIF(u.display_name, ''), u.username, p.actor_name) AS actor_name,
           e.key AS environment_key, e.name AS environment_name, f.key AS feature_key, f.name AS feature_name
    FROM resolved p
    LEFT JOIN users u ON u.id = p.actor_id
    LEFT JOIN environments e ON e.id = p.environment_id AND e.team_id = ${teamId}
    LEFT JOIN features f ON f.id = p.feature_id AND f.team_id = ${teamId}
    ORDER BY p.created_at DESC, p.seq DESC`);
  return toConnection(rows.map(toEntry), window);
}

function toEntry(row: Row): ActivityEntry {
  return {
    id: row.id, action: row.action, entityType: row.entity_type, entityId: row.entity_id, entityLabel: row.entity_label,
    actorId: row.actor_id, actorName: row.actor_name, reason: row.reason, createdAt: new Date(row.created_at),
    diff: JSON.parse(row.diff) as ActivityEntry["diff"],
    environment: row.environment_id ? { id: row.environment_id, key: row.environment_key, name: row.environment_name } : null,
    feature: row.feature_id ? { id: row.feature_id, key: row.feature_key, name: row.feature_name } : null,
  };
}
