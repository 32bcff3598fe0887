// The last deltas an environment published, kept in the object's SQLite storage so a client that
// reconnects (also after hibernation or a restart) can catch up without a full snapshot. Bounded
// to DELTA_LOG_LIMIT versions; a resume from further back gets a snapshot instead.
import { MAX_SERVER_FRAME_BYTES, type DeltaMessage, type SnapshotId } from "../protocol/stream";
import { fitsInBytes } from "./stream-frames";

export const DELTA_LOG_LIMIT = 100;

/** At most this much delta text (UTF-16 characters) crosses to a relay in one catch-up. */
export const LOG_TRANSFER_CHARS = 4_000_000;

/** One logged delta: its frame text and the content hash of the snapshot it starts from. */
export interface LoggedDelta {
  fromHash: string;
  text: string;
}


export class DeltaLog {
  constructor(private readonly sql: SqlStorage) {
    this.ensureTable();
  }

  /**
   * Creates the table when missing. Every entry point calls it, as the other stores do: the storage
   * can be erased under a live instance (a reset's deleteAll while a publish is in flight), and the
   * publish must then log into an empty table rather than fail after storing its document. Calls
   * come once per change or resume, never per evaluation.
   */
  private ensureTable(): void {
    this.sql.exec(`CREATE TABLE IF NOT EXISTS delta_log (
      version INTEGER PRIMARY KEY, from_version INTEGER NOT NULL, from_hash TEXT NOT NULL, delta TEXT NOT NULL
    )`);
  }

  /**
   * Records the delta (its frame text) from the snapshot `fromHash` names. A delta that does not
   * follow the newest held one, or that would not fit in one server frame, empties the log first:
   * the log never holds a gap, and resumes across a huge change take a snapshot.
   */
  append(delta: DeltaMessage, text: string, fromHash: string): void {
    this.ensureTable();
    const fits = fitsInBytes(text, MAX_SERVER_FRAME_BYTES);
    const newest = this.sql.exec<{ version: number | null }>("SELECT MAX(version) AS version FROM delta_log").one().version;
    if ((newest !== null && newest !== delta.fromVersion) || !fits) this.clear();
    if (!fits) return;
    this.sql.exec("INSERT OR REPLACE INTO delta_log (version, from_version, from_hash, delta) VALUES (?, ?, ?, ?)",
      delta.version, delta.fromVersion, fromHash, text);
    this.sql.exec("DELETE FROM delta_log WHERE version <= ?", delta.version - DELTA_LOG_LIMIT);
  }

  /**
   * The frames of the deltas that take the snapshot `since` to `current`, in order, or null when the log does not
   * hold all of them or `since` names other content than the snapshot those deltas start from.
   */
  since(since: SnapshotId, current: SnapshotId): string[] | null {
    if (since.version >= current.version) return null;
    this.ensureTable();
    const rows = this.sql.exec<{ version: number; from_version: number; from_hash: string; delta: string }>(
      "SELECT version, from_version, from_hash, delta FROM delta_log WHERE version > ? AND version <= ? ORDER BY version",
      since.version, current.version,
    ).toArray();
    const first = rows[0];
    if (!first || first.from_version !== since.version || first.from_hash !== since.contentHash) return null;
    if (rows.length !== current.version - since.version) return null;
    const last = JSON.parse(rows[rows.length - 1]!.delta) as DeltaMessage;
    return last.contentHash === current.contentHash ? rows.map((row) => row.delta) : null;
  }

  /**
   * The newest logged deltas, oldest first, whose frames total at most `maxChars` (a relay taking a
   * snapshot takes these too, so resumes it serves work exactly as here).
   */
  entries(maxChars = LOG_TRANSFER_CHARS): LoggedDelta[] {
    this.ensureTable();
    const rows = this.sql.exec<{ from_hash: string; delta: string }>("SELECT from_hash, delta FROM delta_log ORDER BY version DESC").toArray();
    const kept: LoggedDelta[] = [];
    let total = 0;
    for (const row of rows) {
      total += row.delta.length;
      if (total > maxChars) break;
      kept.push({ fromHash: row.from_hash, text: row.delta });
    }
    return kept.reverse();
  }

  /** Replaces the log with these entries (consecutive, oldest first). */
  replace(entries: readonly LoggedDelta[]): void {
    this.clear();
    for (const entry of entries) this.append(JSON.parse(entry.text) as DeltaMessage, entry.text, entry.fromHash);
  }

  clear(): void {
    this.ensureTable();
    this.sql.exec("DELETE FROM delta_log");
  }
}
