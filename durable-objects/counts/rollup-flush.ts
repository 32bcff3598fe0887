// The D1 write of one sealed count batch, exactly once: ONE atomic db.batch() of the rollup
// upserts, each guarded by "this batch id is not in rollup_batches yet", followed by the insert of
// the id into rollup_batches. Whether the object restarts before or after D1 committed, resending
// the same batch adds nothing the second time, so the sender may simply retry until it succeeds.
// Rows of an environment deleted meanwhile are skipped (evaluation_rollups references
// environments): the batch still succeeds, so a deleted environment cannot poison the retries.
import type { CountBatch } from "../../protocol/count-batch";

/** Rows per statement: D1 caps a bound value at about 2 MB; 4,000 rows stay far below. */
export const ROWS_PER_STATEMENT = 4_000;

const GUARDED_UPSERT = `
  INSERT INTO evaluation_rollups (environment_id, minute, flag_key, variant, reason, client_id, count, cache_hits)
  SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
         json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'), json_extract(value, '$[6]')
  FROM json_each(?2)
  WHERE NOT EXISTS (SELECT 1 FROM rollup_batches WHERE id = ?3)
    AND EXISTS (SELECT 1 FROM environments WHERE id = ?1)
  ON CONFLICT (environment_id, minute, flag_key, variant, reason, client_id)
  DO UPDATE SET count = count + excluded.count, cache_hits = cache_hits + excluded.cache_hits`;

/** Applies the batch to the rollups unless D1 already has it (one round trip, atomic). */
export async function applyCountBatch(db: D1Database, batch: CountBatch, now: number): Promise<void> {
  const statements: D1PreparedStatement[] = [];
  for (let i = 0; i < batch.rows.length; i += ROWS_PER_STATEMENT) {
    const tuples = batch.rows.slice(i, i + ROWS_PER_STATEMENT)
      .map((r) => [r.minute, r.flagKey, r.variant, r.reason, r.clientId, r.count, r.cacheHits]);
    statements.push(db.prepare(GUARDED_UPSERT).bind(batch.environmentId, JSON.stringify(tuples), batch.id));
  }
  statements.push(db.prepare("INSERT OR IGNORE INTO rollup_batches (id, applied_at) VALUES (?1, ?2)").bind(batch.id, now));
  await db.batch(statements);
}
