// Timed work an environment object's alarm must run (kill-switch rollbacks, scheduled changes),
// kept in the object's SQLite storage so it survives restarts and evictions. An item only names a
// scheduled_changes row and when it is due: D1 holds what to do, so running an item twice is
// harmless (the runner skips a row that is no longer pending).
export interface ScheduleItem {
  /** The scheduled_changes row id. */
  id: string;
  /** Epoch milliseconds. */
  runAt: number;
}

export interface StoredScheduleItem extends ScheduleItem {
  /** Failed runs so far (retried with backoff). */
  attempts: number;
}

/** What the environment object offers for scheduling (RPC). */
export interface ScheduleHub {
  schedule(item: ScheduleItem): Promise<void>;
  cancelSchedule(id: string): Promise<void>;
}

/** A failed run is retried after 5 s, 10 s, 20 s ... at most 5 minutes. */
export const retryDelayMs = (attempts: number) => Math.min(5_000 * 2 ** attempts, 300_000);

export class ScheduleStore {
  constructor(private readonly sql: SqlStorage) {
    this.ensureTable();
  }

  /**
   * Creates the table when missing. Every entry point calls it, as the count stores do: the storage
   * can be erased under a live instance (a reset's deleteAll, a call racing a retire), and a schedule
   * must then land in a fresh table rather than fail. Calls are rare (one per scheduled change).
   */
  private ensureTable(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS schedule (
      id TEXT PRIMARY KEY, run_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0
    )`);
  }

  /** Adds the item, or moves an existing one to the new time. */
  put(item: ScheduleItem): void {
    this.ensureTable();
    this.sql.exec(
      "INSERT INTO schedule (id, run_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET run_at = excluded.run_at, attempts = 0",
      item.id, item.runAt,
    );
  }

  delete(id: string): void {
    this.ensureTable();
    this.sql.exec("DELETE FROM schedule WHERE id = ?", id);
  }

  due(now: number): StoredScheduleItem[] {
    this.ensureTable();
    return this.sql.exec<{ id: string; run_at: number; attempts: number }>(
      "SELECT id, run_at, attempts FROM schedule WHERE run_at <= ? ORDER BY run_at, id", now,
    ).toArray().map((row) => ({ id: row.id, runAt: row.run_at, attempts: row.attempts }));
  }

  /** The earliest run time, or null when nothing is scheduled. */
  next(): number | null {
    this.ensureTable();
    const row = this.sql.exec<{ at: number | null }>("SELECT MIN(run_at) AS at FROM schedule").one();
    return row.at ?? null;
  }

  retryAt(id: string, runAt: number): void {
    this.ensureTable();
    this.sql.exec("UPDATE schedule SET run_at = ?, attempts = attempts + 1 WHERE id = ?", runAt, id);
  }

  all(): StoredScheduleItem[] {
    this.ensureTable();
    return this.sql.exec<{ id: string; run_at: number; attempts: number }>("SELECT id, run_at, attempts FROM schedule ORDER BY run_at, id")
      .toArray().map((row) => ({ id: row.id, runAt: row.run_at, attempts: row.attempts }));
  }
}
