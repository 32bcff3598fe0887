// The evaluation store over the D1 rollups (evaluation_rollups: one row per environment, minute,
// flag, variant, reason and client with a count and its cache hits). All reads of a request go
// to D1 as one batch: one round trip whatever the number of groupings.
import type {
  BucketTotals, CountAnswer, CountFilter, CountRead, Dimension, EvaluationStore, GroupTotals,
} from "./evaluation-store";

const COLUMNS: Record<Dimension, string> = {
  feature: "flag_key", environment: "environment_id", client: "client_id", variant: "variant", reason: "reason",
};

const TOTALS = `SUM(count) AS evaluations, SUM(CASE WHEN reason = 'ERROR' THEN count ELSE 0 END) AS errors,
  SUM(cache_hits) AS cache_hits`;

/** The WHERE clause and its parameters (?1 scope, ?2/?3 window, ?4 feature, ?5 client). */
function where(filter: CountFilter): { clause: string; params: unknown[] } {
  const scope = "teamId" in filter.scope
    ? "environment_id IN (SELECT id FROM environments WHERE team_id = ?1)"
    : "environment_id IN (SELECT value FROM json_each(?1))";
  const params: unknown[] = [
    "teamId" in filter.scope ? filter.scope.teamId : JSON.stringify(filter.scope.environmentIds),
    filter.window.fromMinute, filter.window.toMinute, filter.featureKey ?? null, filter.clientId ?? null,
  ];
  const feature = filter.featureKey != null ? " AND flag_key = ?4" : " AND ?4 IS NULL";
  const client = filter.clientId != null ? " AND client_id = ?5" : " AND ?5 IS NULL";
  return { clause: `${scope} AND minute BETWEEN ?2 AND ?3${feature}${client}`, params };
}

interface TotalsRow { evaluations: number; errors: number; cache_hits: number }
const totals = (row: TotalsRow) => ({ evaluations: row.evaluations, errors: row.errors, cacheHits: row.cache_hits });

export class D1EvaluationStore implements EvaluationStore {
  constructor(private readonly d1: D1Database) {}

  async read(filter: CountFilter, read: CountRead): Promise<CountAnswer> {
    const { clause, params } = where(filter);
    const dimensions = read.groups ?? [];
    const statements = dimensions.map((dimension) => this.d1.prepare(`
      SELECT ${COLUMNS[dimension]} AS key, ${TOTALS}, MAX(minute) AS last_minute FROM evaluation_rollups
      WHERE ${clause} GROUP BY key ORDER BY evaluations DESC, key`).bind(...params));
    const n = read.intervalMinutes;
    if (n !== undefined) {
      // n is a validated integer (1..60, or whole hours up to 1440); inlined so SQLite computes integer division.
      statements.push(this.d1.prepare(`
        SELECT (minute / ${Math.trunc(n)}) * ${Math.trunc(n)} AS bucket, ${TOTALS} FROM evaluation_rollups
        WHERE ${clause} GROUP BY bucket ORDER BY bucket`).bind(...params));
    }
    if (statements.length === 0) return { groups: {}, buckets: [] };
    const results = await this.d1.batch(statements);
    const groups: CountAnswer["groups"] = {};
    dimensions.forEach((dimension, i) => {
      groups[dimension] = (results[i]!.results as (TotalsRow & { key: string; last_minute: number })[])
        .map((row): GroupTotals => ({ key: row.key, ...totals(row), lastMinute: row.last_minute }));
    });
    const buckets = n === undefined ? [] : (results[dimensions.length]!.results as (TotalsRow & { bucket: number })[])
      .map((row): BucketTotals => ({ bucket: row.bucket, ...totals(row) }));
    return { groups, buckets };
  }
}
