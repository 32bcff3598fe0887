// The environment object's durable state in its SQLite storage: the current FlagSetDocument
// (chunked, because one row or value may hold at most 2 MB and a large flag set can exceed that),
// its content hash and version, what was last written to KV, and which client records this
// environment has put into KV. Everything a restarted object needs; nothing else.
import type { FlagSetDocument } from "../engine/types";

/** JSON text characters per row: at most 3 UTF-8 bytes each, so a row stays well under 2 MB. */
const CHUNK_CHARS = 500_000;

export interface SnapshotState {
  version: number;
  contentHash: string;
  /** Version of the document last written to KV (0: never). */
  kvVersion: number;
  /** Epoch ms of that write, for the 1 write/s/key limit. */
  kvWrittenAt: number;
}

export class SnapshotStore {
  private readonly sql: SqlStorage;

  constructor(private readonly storage: DurableObjectStorage) {
    this.sql = storage.sql;
    this.ensureTables();
  }

  /**
   * Creates the tables when missing. Every entry point calls it, as the schedule and count stores
   * do: the storage can be erased under a live instance (a reset's deleteAll while a rebuild is in
   * flight), and the rebuild must then start from empty tables rather than fail. Calls are rare
   * (a rebuild, a KV write, a client record), never per evaluation.
   */
  private ensureTables(): void {
    this.sql.exec(`
      CREATE TABLE IF NOT EXISTS snapshot_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        version INTEGER NOT NULL,
        content_hash TEXT NOT NULL,
        kv_version INTEGER NOT NULL DEFAULT 0,
        kv_written_at INTEGER NOT NULL DEFAULT 0
      );
      CREATE TABLE IF NOT EXISTS snapshot_chunks (idx INTEGER PRIMARY KEY, data TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS client_records (secret_hash TEXT PRIMARY KEY, record TEXT NOT NULL);
    `);
  }

  state(): SnapshotState | null {
    this.ensureTables();
    const row = this.sql.exec<{ version: number; content_hash: string; kv_version: number; kv_written_at: number }>(
      "SELECT version, content_hash, kv_version, kv_written_at FROM snapshot_state WHERE id = 1",
    ).toArray()[0];
    return row
      ? { version: row.version, contentHash: row.content_hash, kvVersion: row.kv_version, kvWrittenAt: row.kv_written_at }
      : null;
  }

  document(): FlagSetDocument | null {
    this.ensureTables();
    const chunks = this.sql.exec<{ data: string }>("SELECT data FROM snapshot_chunks ORDER BY idx").toArray();
    return chunks.length === 0 ? null : JSON.parse(chunks.map((c) => c.data).join("")) as FlagSetDocument;
  }

  /** Replaces the document and its state in one transaction: readers never see a mix. */
  saveDocument(document: FlagSetDocument, contentHash: string): void {
    this.ensureTables();
    const text = JSON.stringify(document);
    this.storage.transactionSync(() => {
      this.sql.exec("DELETE FROM snapshot_chunks");
      for (let i = 0; i * CHUNK_CHARS < text.length; i++) {
        this.sql.exec("INSERT INTO snapshot_chunks (idx, data) VALUES (?, ?)", i, text.slice(i * CHUNK_CHARS, (i + 1) * CHUNK_CHARS));
      }
      this.sql.exec(
        `INSERT INTO snapshot_state (id, version, content_hash) VALUES (1, ?, ?)
         ON CONFLICT (id) DO UPDATE SET version = excluded.version, content_hash = excluded.content_hash`,
        document.version, contentHash,
      );
    });
  }

  markKvWritten(version: number, at: number): void {
    this.ensureTables();
    this.sql.exec("UPDATE snapshot_state SET kv_version = ?, kv_written_at = ? WHERE id = 1", version, at);
  }

  /** secret hash -> the ClientRecord JSON this environment last put into KV. */
  clientRecords(): Map<string, string> {
    this.ensureTables();
    const rows = this.sql.exec<{ secret_hash: string; record: string }>("SELECT secret_hash, record FROM client_records").toArray();
    return new Map(rows.map((r) => [r.secret_hash, r.record]));
  }

  putClientRecord(secretHash: string, record: string): void {
    this.ensureTables();
    this.sql.exec(
      "INSERT INTO client_records (secret_hash, record) VALUES (?, ?) ON CONFLICT (secret_hash) DO UPDATE SET record = excluded.record",
      secretHash, record,
    );
  }

  deleteClientRecord(secretHash: string): void {
    this.ensureTables();
    this.sql.exec("DELETE FROM client_records WHERE secret_hash = ?", secretHash);
  }
}
