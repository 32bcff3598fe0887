// The SQL text sent to Analytics Engine's SQL API for an evaluation-store read, over the data point
// layout of workers/evaluation/analytics/sink.ts (index1/blob1 environment, blob2 flag, blob3
// variant, blob4 reason, blob7 client, double1 evaluations, double2 cache hits). Points are
// sampled, so every sum weighs by _sample_interval. Pure: strings in, strings out.
import type { CountFilter, Dimension } from "./evaluation-store";

const BLOBS: Record<Dimension, string> = {
  feature: "blob2", environment: "blob1", client: "blob7", variant: "blob3", reason: "blob4",
};

/** A ClickHouse-style string literal ('...' with backslash escapes). */
export const literal = (value: string) => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;

/** A minute as the SQL API's DateTime literal (UTC). */
const at = (minute: number) => `toDateTime(${literal(new Date(minute * 60_000).toISOString().slice(0, 19).replace("T", " "))})`;

const TOTALS = `SUM(_sample_interval * double1) AS evaluations,
  sumIf(_sample_interval * double1, blob4 = 'ERROR') AS errors,
  SUM(_sample_interval * double2) AS cache_hits`;

function where(filter: CountFilter, environmentIds: readonly string[]): string {
  const conditions = [
    `index1 IN (${environmentIds.map(literal).join(", ")})`,
    `timestamp >= ${at(filter.window.fromMinute)}`,
    `timestamp < ${at(filter.window.toMinute + 1)}`,
  ];
  if (filter.featureKey != null) conditions.push(`blob2 = ${literal(filter.featureKey)}`);
  if (filter.clientId != null) conditions.push(`blob7 = ${literal(filter.clientId)}`);
  return conditions.join(" AND ");
}

export function groupSql(dataset: string, filter: CountFilter, environmentIds: readonly string[], dimension: Dimension): string {
  return `SELECT ${BLOBS[dimension]} AS key, ${TOTALS}, intDiv(toUInt32(MAX(timestamp)), 60) AS last_minute
FROM ${dataset} WHERE ${where(filter, environmentIds)}
GROUP BY key ORDER BY evaluations DESC, key FORMAT JSON`;
}

export function bucketSql(dataset: string, filter: CountFilter, environmentIds: readonly string[], intervalMinutes: number): string {
  const n = Math.trunc(intervalMinutes);
  return `SELECT intDiv(intDiv(toUInt32(timestamp), 60), ${n}) * ${n} AS bucket, ${TOTALS}
FROM ${dataset} WHERE ${where(filter, environmentIds)}
GROUP BY bucket ORDER BY bucket FORMAT JSON`;
}
