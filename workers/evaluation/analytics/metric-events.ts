// Storing tracked metric events in D1 (table metric_events). All events of a request go in ONE
// statement (a JSON parameter read with json_each). Conversion metrics keep one row per (metric,
// flag, environment, user, variant) — the partial unique index — and the upsert only ever raises
// `converted` from 0 to 1, so repeated conversions of a user count once. Numeric and duration events
// are all kept (converted is NULL, outside the index).
import type { MetricType } from "../../../db/schema";
import { invalid } from "./ingest-validation";
import type { TrackEvent } from "./track-request";

const INSERT = `
  INSERT INTO metric_events (metric_id, environment_id, flag_key, variant, targeting_key, value, converted, occurred_at)
  SELECT json_extract(value, '$[0]'), ?1, json_extract(value, '$[1]'), json_extract(value, '$[2]'), json_extract(value, '$[3]'),
         json_extract(value, '$[4]'), json_extract(value, '$[5]'), json_extract(value, '$[6]')
  FROM json_each(?2) WHERE true
  ON CONFLICT (metric_id, flag_key, environment_id, targeting_key, variant) WHERE converted IS NOT NULL
  DO UPDATE SET converted = MAX(converted, excluded.converted), value = MAX(value, excluded.value),
    occurred_at = CASE WHEN excluded.converted > converted THEN excluded.occurred_at ELSE occurred_at END`;

interface MetricRef {
  id: string;
  type: MetricType;
}

/** The team's metrics with these keys (one statement). */
export async function metricsByKey(db: D1Database, teamId: string, keys: readonly string[]): Promise<Map<string, MetricRef>> {
  const { results } = await db.prepare("SELECT id, key, type FROM metrics WHERE team_id = ?1 AND key IN (SELECT value FROM json_each(?2))")
    .bind(teamId, JSON.stringify([...new Set(keys)])).all<{ id: string; key: string; type: MetricType }>();
  return new Map(results.map((r) => [r.key, { id: r.id, type: r.type }]));
}

/** Checks every event against its metric (INVALID_REQUEST naming the event) and builds the rows. */
export function eventRows(events: readonly TrackEvent[], metrics: ReadonlyMap<string, MetricRef>): unknown[][] {
  return events.map((e, i) => {
    const metric = metrics.get(e.metric);
    if (!metric) throw invalid(`events.${i}.metric`, `no metric with key ${e.metric} in this team; create it first`);
    if (metric.type === "conversion") {
      const value = e.value ?? 1;
      if (value !== 0 && value !== 1) throw invalid(`events.${i}.value`, "must be 1 (converted) or 0 (exposed) for a conversion metric");
      return [metric.id, e.flag, e.variant, e.targetingKey, value, value, e.occurredAt];
    }
    if (e.value === undefined) throw invalid(`events.${i}.value`, `is required for a ${metric.type} metric`);
    if (metric.type === "duration" && e.value < 0) throw invalid(`events.${i}.value`, "must be >= 0 for a duration metric");
    return [metric.id, e.flag, e.variant, e.targetingKey, e.value, null, e.occurredAt];
  });
}

export async function storeEvents(db: D1Database, environmentId: string, rows: readonly unknown[][]): Promise<void> {
  await db.prepare(INSERT).bind(environmentId, JSON.stringify(rows)).run();
}
