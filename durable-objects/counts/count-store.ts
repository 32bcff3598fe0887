// Evaluation counts held durably in a Durable Object's SQLite storage on their way to D1: the
// location relay keeps the counts its isolates hand over until the environment object has them,
// and the environment object (count-ledger.ts) keeps them until D1 has them. One shape for both:
//   <prefix>_seen    batch ids received (dedup: a retried batch is acknowledged, not added again)
//   <prefix>_rows    received rows not yet sealed, summed per (minute, flag, variant, reason, client)
//   <prefix>_sealed  at most one batch on its way on, under a fixed id, until the next hop has it
// Receiving is one synchronous transaction (dedup row and counts together), so an acknowledgement
// always means "stored"; sealing moves the rows into the sealed batch in one transaction, and the
// sealed batch keeps its id across restarts, so the next hop's own dedup makes retries harmless.
import type { CountBatch, CountRow } from "../../protocol/count-batch";

/** How long a received batch id is remembered: far beyond any sender's retry horizon (seconds). */
export const SEEN_RETENTION_MS = 24 * 60 * 60_000;

type Tuple = [minute: number, flagKey: string, variant: string, reason: string, clientId: string, count: number, cacheHits: number];

export class CountStore {
  constructor(
    private readonly storage: DurableObjectStorage,
    private readonly prefix: "relay" | "ledger",
    private readonly environmentId: () => string,
  ) {
    this.ensureTables();
  }

  /**
   * Creates the tables when missing. Every entry point calls it: the storage can be erased under a
   * live instance (deleteAll by a reset, or an alarm or call racing a retire), and a count must then
   * land in fresh tables rather than fail. CREATE ... IF NOT EXISTS on existing tables costs
   * microseconds; calls come about once per second per sender.
   */
  private ensureTables(): void {
    const p = this.prefix;
    this.storage.sql.exec(`
      CREATE TABLE IF NOT EXISTS ${p}_seen (id TEXT PRIMARY KEY, at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS ${p}_seen_at ON ${p}_seen (at);
      CREATE TABLE IF NOT EXISTS ${p}_rows (
        minute INTEGER NOT NULL, flag_key TEXT NOT NULL, variant TEXT NOT NULL, reason TEXT NOT NULL,
        client_id TEXT NOT NULL, count INTEGER NOT NULL, cache_hits INTEGER NOT NULL,
        PRIMARY KEY (minute, flag_key, variant, reason, client_id));
      CREATE TABLE IF NOT EXISTS ${p}_sealed (id TEXT PRIMARY KEY, rows TEXT NOT NULL);`);
  }

  /**
   * Stores every batch not received before and returns the ids of all of them: each is now
   * durable here. A batch for another environment is a sender's bug: it is logged, acknowledged
   * and dropped, so it cannot be retried forever.
   */
  receive(batches: readonly CountBatch[], now: number): string[] {
    this.ensureTables();
    if (batches.length === 0) return [];
    const environmentId = this.environmentId();
    const p = this.prefix;
    this.storage.transactionSync(() => {
      for (const batch of batches) {
        if (batch.environmentId !== environmentId) {
          console.error("count batch for another environment dropped", { batch: batch.id, environmentId: batch.environmentId, here: environmentId });
          continue;
        }
        const inserted = this.storage.sql.exec(`INSERT OR IGNORE INTO ${p}_seen (id, at) VALUES (?, ?)`, batch.id, now).rowsWritten;
        if (inserted === 0 || batch.rows.length === 0) continue;
        this.storage.sql.exec(`
          INSERT INTO ${p}_rows (minute, flag_key, variant, reason, client_id, count, cache_hits)
          SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
                 json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'),
                 json_extract(value, '$[6]')
          FROM json_each(?) WHERE true
          ON CONFLICT (minute, flag_key, variant, reason, client_id)
          DO UPDATE SET count = count + excluded.count, cache_hits = cache_hits + excluded.cache_hits`,
        JSON.stringify(batch.rows.map(toTuple)));
      }
    });
    return batches.map((b) => b.id);
  }

  /** Whether any counts are waiting here (received rows or a sealed batch). */
  pending(): boolean {
    this.ensureTables();
    const p = this.prefix;
    return this.storage.sql.exec(`SELECT EXISTS (SELECT 1 FROM ${p}_rows) OR EXISTS (SELECT 1 FROM ${p}_sealed) AS any`).one().any === 1;
  }

  /**
   * The batch to hand on: the one sealed earlier (not acknowledged yet: the same id again), or the
   * received rows sealed now under `newId()`; null when nothing waits.
   */
  sealed(newId: () => string): CountBatch | null {
    this.ensureTables();
    const p = this.prefix;
    const environmentId = this.environmentId();
    const existing = this.storage.sql.exec<{ id: string; rows: string }>(`SELECT id, rows FROM ${p}_sealed LIMIT 1`).toArray()[0];
    if (existing) return { id: existing.id, environmentId, rows: (JSON.parse(existing.rows) as Tuple[]).map(fromTuple) };
    return this.storage.transactionSync(() => {
      const tuples = this.storage.sql.exec<Record<string, number | string>>(
        `SELECT minute, flag_key, variant, reason, client_id, count, cache_hits FROM ${p}_rows`).toArray()
        .map((r): Tuple => [r.minute as number, r.flag_key as string, r.variant as string, r.reason as string,
          r.client_id as string, r.count as number, r.cache_hits as number]);
      if (tuples.length === 0) return null;
      const id = newId();
      this.storage.sql.exec(`DELETE FROM ${p}_rows`);
      this.storage.sql.exec(`INSERT INTO ${p}_sealed (id, rows) VALUES (?, ?)`, id, JSON.stringify(tuples));
      return { id, environmentId, rows: tuples.map(fromTuple) };
    });
  }

  /** The next hop has the sealed batch `id`: forget it. */
  settle(id: string): void {
    this.ensureTables();
    this.storage.sql.exec(`DELETE FROM ${this.prefix}_sealed WHERE id = ?`, id);
  }

  /** Drops every waiting count (the environment was deleted: nothing can take them any more). */
  clear(): void {
    this.ensureTables();
    const p = this.prefix;
    this.storage.transactionSync(() => {
      this.storage.sql.exec(`DELETE FROM ${p}_rows`);
      this.storage.sql.exec(`DELETE FROM ${p}_sealed`);
    });
  }

  /** Forgets batch ids received before `before` (retries come within seconds). */
  prune(before: number): void {
    this.ensureTables();
    this.storage.sql.exec(`DELETE FROM ${this.prefix}_seen WHERE at < ?`, before);
  }
}

function toTuple(r: CountRow): Tuple {
  return [r.minute, r.flagKey, r.variant, r.reason, r.clientId, r.count, r.cacheHits];
}

function fromTuple([minute, flagKey, variant, reason, clientId, count, cacheHits]: Tuple): CountRow {
  return { minute, flagKey, variant, reason, clientId, count, cacheHits };
}
