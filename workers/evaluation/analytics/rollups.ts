// The live rollups in D1: one row per (environment, minute, flag, variant, reason) holding a count.
// A batch of counts is added with ONE statement whatever its size: the counts travel as one JSON
// parameter read with json_each (D1 caps bound parameters per statement at 100), and each row is
// upserted with count = count + excluded.count, so concurrent writers (isolates, SDK posts) add up.
import type { EvaluationCount } from "./counts";

const UPSERT = `
  INSERT INTO evaluation_rollups (environment_id, minute, flag_key, variant, reason, client_id, count, cache_hits)
  SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
         json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'),
         json_extract(value, '$[6]'), json_extract(value, '$[7]')
  FROM json_each(?1) WHERE true
  ON CONFLICT (environment_id, minute, flag_key, variant, reason, client_id)
  DO UPDATE SET count = count + excluded.count, cache_hits = cache_hits + excluded.cache_hits`;

/** The statement adding `counts` to the rollups (for callers that batch it with others). */
export function rollupStatement(db: D1Database, counts: readonly EvaluationCount[]): D1PreparedStatement {
  const rows = counts.map((c) => [c.environmentId, c.minute, c.flagKey, c.variant ?? "", c.reason, c.clientId ?? "", c.count, c.cacheHits ?? 0]);
  return db.prepare(UPSERT).bind(JSON.stringify(rows));
}

export async function addToRollups(db: D1Database, counts: readonly EvaluationCount[]): Promise<void> {
  if (counts.length === 0) return;
  await rollupStatement(db, counts).run();
}
