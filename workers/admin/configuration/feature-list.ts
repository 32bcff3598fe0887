// The features list of a team and its filters (the original's GET /teams/{id}/features filters).
// Every filter is a condition of the one page query (EXISTS subqueries, no extra round trip), so a
// page costs the same D1 round trips whatever the filters (test/workers/control/query-count.test.ts).
//
//   stale:            not archived, created at least STALE_AFTER_DAYS days ago, and no evaluation of its
//                     key counted in any environment of the team during the last STALE_AFTER_DAYS days
//                     (the evaluation_rollups table, fed by OFREP / POST /evaluate counting and
//                     POST /v1/evaluation-counts). stale: false is the complement.
//   expired:          expiresAt is set and not after now. expired: false: no expiresAt, or a later one.
//   dependencyStatus: NONE (no prerequisites), HEALTHY (every prerequisite exists and is not
//                     archived), BLOCKED (some prerequisite is archived or missing: it serves off).
//   approvalStatus:   PENDING (an approval request of the feature is pending), NONE (none is).
import { and, asc, eq, ne, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { FLAG_TYPES, features, LIFECYCLES } from "../../../db/schema";
import { minuteOf } from "../insights/analytics/periods";
import { ANY_TEAM_ROLE, authorizeEntity, type Principal } from "../identity/authz";
import type { ControlDeps } from "../core/deps";
import type { FeatureRow } from "./feature-state";
import { pageWindow, toConnection, type Connection, type PageArgs } from "../core/pagination";
import { parseInput } from "../core/validation";

export const STALE_AFTER_DAYS = 30;
const DAY_MS = 24 * 3600_000;

export const DEPENDENCY_STATUSES = ["NONE", "HEALTHY", "BLOCKED"] as const;
export const APPROVAL_FILTER_STATUSES = ["PENDING", "NONE"] as const;

const tag = z.string().max(50);

export const listFilter = z.object({
  lifecycle: z.enum(LIFECYCLES).optional(),
  includeArchived: z.boolean().default(false),
  /** Exact key prefix (no substring or case folding: keys are identifiers). */
  keyPrefix: z.string().max(100).optional(),
  /** Substring of the name or the key, ignoring ASCII case (SQLite lower()). */
  name: z.string().trim().min(1).max(200).optional(),
  type: z.enum(FLAG_TYPES).optional(),
  /** Exact owner. */
  owner: z.string().trim().min(1).max(200).optional(),
  tag: tag.optional(),
  /** Features carrying any of these tags. */
  tags: z.array(tag).min(1).max(20).optional(),
  stale: z.boolean().optional(),
  expired: z.boolean().optional(),
  dependencyStatus: z.enum(DEPENDENCY_STATUSES).optional(),
  approvalStatus: z.enum(APPROVAL_FILTER_STATUSES).optional(),
}).strict();

export type FeatureListFilter = z.input<typeof listFilter>;

/** Pure: the SQL conditions of a parsed filter for `teamId` at `now`. */
export function filterConditions(teamId: string, f: z.output<typeof listFilter>, now: Date): SQL[] {
  const conditions: SQL[] = [eq(features.teamId, teamId)];
  if (f.lifecycle) conditions.push(eq(features.lifecycle, f.lifecycle));
  else if (!f.includeArchived) conditions.push(ne(features.lifecycle, "archived"));
  if (f.keyPrefix) conditions.push(sql`${features.key} LIKE ${`${f.keyPrefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`} ESCAPE '\\'`);
  if (f.name) {
    const needle = f.name.toLowerCase();
    conditions.push(sql`(instr(lower(${features.name}), ${needle}) > 0 OR instr(lower(${features.key}), ${needle}) > 0)`);
  }
  if (f.type) conditions.push(eq(features.type, f.type));
  if (f.owner) conditions.push(eq(features.owner, f.owner));
  if (f.tag) conditions.push(sql`EXISTS (SELECT 1 FROM json_each(${features.tags}) WHERE json_each.value = ${f.tag})`);
  if (f.tags) {
    conditions.push(sql`EXISTS (SELECT 1 FROM json_each(${features.tags}) t WHERE t.value IN (SELECT value FROM json_each(${JSON.stringify(f.tags)})))`);
  }
  if (f.stale !== undefined) conditions.push(f.stale ? staleCondition(now) : sql`NOT ${staleCondition(now)}`);
  if (f.expired !== undefined) {
    conditions.push(f.expired
      ? sql`(${features.expiresAt} IS NOT NULL AND ${features.expiresAt} <= ${now.getTime()})`
      : sql`(${features.expiresAt} IS NULL OR ${features.expiresAt} > ${now.getTime()})`);
  }
  if (f.dependencyStatus) conditions.push(dependencyCondition(f.dependencyStatus));
  if (f.approvalStatus) {
    const pending = sql`EXISTS (SELECT 1 FROM approval_requests a WHERE a.feature_id = ${features.id} AND a.status = 'pending')`;
    conditions.push(f.approvalStatus === "PENDING" ? pending : sql`NOT ${pending}`);
  }
  return conditions;
}

function staleCondition(now: Date): SQL {
  const cutoff = now.getTime() - STALE_AFTER_DAYS * DAY_MS;
  return sql`(${features.lifecycle} <> 'archived' AND ${features.createdAt} <= ${cutoff} AND NOT EXISTS (
    SELECT 1 FROM evaluation_rollups r INNER JOIN environments e ON e.id = r.environment_id
    WHERE e.team_id = ${features.teamId} AND r.flag_key = ${features.key} AND r.minute >= ${minuteOf(new Date(cutoff))}))`;
}

function dependencyCondition(status: (typeof DEPENDENCY_STATUSES)[number]): SQL {
  const any = sql`EXISTS (SELECT 1 FROM prerequisites p WHERE p.feature_id = ${features.id})`;
  const broken = sql`EXISTS (SELECT 1 FROM prerequisites p LEFT JOIN features r ON r.id = p.required_feature_id
    WHERE p.feature_id = ${features.id} AND (r.id IS NULL OR r.lifecycle = 'archived'))`;
  if (status === "NONE") return sql`NOT ${any}`;
  if (status === "BLOCKED") return broken;
  return sql`(${any} AND NOT ${broken})`;
}

export async function listFeatures(
  deps: ControlDeps, principal: Principal, teamId: string, filter: FeatureListFilter, page: PageArgs,
): Promise<Connection<FeatureRow>> {
  await authorizeEntity(deps, principal, "team", teamId, ANY_TEAM_ROLE);
  const f = parseInput(listFilter, filter ?? {}, "filter");
  const window = pageWindow(page);
  const rows = await deps.db.select().from(features).where(and(...filterConditions(teamId, f, deps.now())))
    .orderBy(asc(features.key)).limit(window.limit + 1).offset(window.offset);
  return toConnection(rows, window);
}
