// The live rollups in D1: one row per (environment, minute, flag, variant, reason) holding a count.
// A batch of counts is added with ONE statement whatever its size: the counts travel as one JSON
// parameter read with json_each (D1 caps bound parameters per statement at 100), and each row is
// upserted with count = count + excluded.count, so concurrent writers (isolates, SDK posts) add up.
import type { EvaluationCount } from "./counts";

const UPSERT = `
  INSERT INTO evaluation_rollups (environment_id, minute, flag_key, variant, reason, count)
  SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
         json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]')
  FROM json_each(?1) WHERE true
  ON CONFLICT (environment_id, minute, flag_key, variant, reason) DO UPDATE SET count = count + excluded.count`;

/** The statement adding `counts` to the rollups (for callers that batch it with others). */
export function rollupStatement(db: D1Database, counts: readonly EvaluationCount[]): D1PreparedStatement {
  const rows = counts.map((c) => [c.environmentId, c.minute, c.flagKey, c.variant ?? "", c.reason, c.count]);
  return db.prepare(UPSERT).bind(JSON.stringify(rows));
}

export async function addToRollups(db: D1Database, counts: readonly EvaluationCount[]): Promise<void> {
  if (counts.length === 0) return;
  await rollupStatement(db, counts).run();
}
