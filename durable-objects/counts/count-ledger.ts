// The environment object's count ledger: counts handed over by the location relays (and SDK
// reports through them) are stored durably here, deduplicated by batch id, and written to D1 at
// most once per COUNT_FLUSH_INTERVAL_MS by the object's alarm, as one atomic, idempotent batch
// (rollup-flush.ts). So D1 takes one write per environment per interval, whatever the number of
// isolates and locations (docs/ANALYTICS.md has the arithmetic and the exactly-once argument).
import type { CountBatch } from "../../protocol/count-batch";
import { CountStore, SEEN_RETENTION_MS } from "./count-store";
import { applyCountBatch } from "./rollup-flush";

export const COUNT_FLUSH_INTERVAL_MS = 1_000;

export class CountLedger {
  private readonly store: CountStore;
  /** When D1 was last written (memory only: after a restart the first flush may come at once). */
  private flushedAt = 0;

  constructor(storage: DurableObjectStorage, private readonly db: D1Database, private readonly environmentId: () => string) {
    this.store = new CountStore(storage, "ledger", environmentId);
  }

  /** Stores the batches not seen before; returns the ids now durable here (all of them). */
  receive(batches: readonly CountBatch[], now: number): string[] {
    return this.store.receive(batches, now);
  }

  /** When the alarm should flush, or null when nothing waits. */
  nextFlushAt(): number | null {
    return this.store.pending() ? this.flushedAt + COUNT_FLUSH_INTERVAL_MS : null;
  }

  /**
   * Writes the waiting counts to D1 (the batch sealed before, if a previous attempt did not
   * complete, else the rows received since). Returns the minutes written, or null when nothing
   * was due. Throws when D1 fails; the sealed batch stays and the next alarm retries it.
   */
  async flush(now: number): Promise<number[] | null> {
    if (now < this.flushedAt + COUNT_FLUSH_INTERVAL_MS) return null;
    const batch = this.store.sealed(() => `${this.environmentId()}:${crypto.randomUUID()}`);
    if (batch === null) return null;
    this.flushedAt = now;
    await applyCountBatch(this.db, batch, now);
    this.store.settle(batch.id);
    this.store.prune(now - SEEN_RETENTION_MS);
    return [...new Set(batch.rows.map((r) => r.minute))].sort((a, b) => a - b);
  }
}
