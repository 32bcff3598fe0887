// The environment object's side of the relay tier: which relays hold its subscribers (a table in
// its SQLite storage, so a restarted object still knows them), and the fan-out of each change to
// them: ONE RPC per relay, whatever the number of sockets behind it. Calls to one relay are
// chained so they arrive in order (a relay also repairs a gap itself, by version). A relay that
// answers it has no subscribers is forgotten, unless it registered again meanwhile; it registers
// again when it takes its next socket.
import type { DeltaLog } from "../delta-log";
import type { FlagSetDocument } from "../../engine/types";
import type { SnapshotId } from "../../protocol/stream";
import type { RelayAck, RelayCatchUp, RelayDownstream, RelayPush } from "./messages";

type RelayNamespace = { getByName(name: string): unknown };

export class RelayRegistry {
  /** RPCs sent to relays since the object started (the load figures count them). */
  pushes = 0;
  /** The tail of the calls in flight per relay. */
  private readonly chains = new Map<string, Promise<void>>();
  /** Bumped by every registration: a push's "no subscribers" only forgets the registration it saw. */
  private readonly generations = new Map<string, number>();

  constructor(private readonly sql: SqlStorage, private readonly relays: RelayNamespace) {
    this.ensureTable();
  }

  /** Creates the table when missing: the storage can be erased under a live instance, as in the other stores. */
  private ensureTable(): void {
    this.sql.exec("CREATE TABLE IF NOT EXISTS relays (name TEXT PRIMARY KEY, registered_at INTEGER NOT NULL)");
  }

  register(name: string): void {
    this.ensureTable();
    this.sql.exec("INSERT OR REPLACE INTO relays (name, registered_at) VALUES (?, ?)", name, Date.now());
    this.generations.set(name, (this.generations.get(name) ?? 0) + 1);
  }

  names(): string[] {
    this.ensureTable();
    return this.sql.exec<{ name: string }>("SELECT name FROM relays ORDER BY name").toArray().map((row) => row.name);
  }

  /** Sends the push to every registered relay; resolves when each has answered or failed. */
  push(push: RelayPush): Promise<void> {
    return Promise.all(this.names().map((name) => this.pushTo(name, push))).then(() => undefined);
  }

  private pushTo(name: string, push: RelayPush): Promise<void> {
    const generation = this.generations.get(name) ?? 0;
    const run = (this.chains.get(name) ?? Promise.resolve()).then(async () => {
      this.pushes++;
      try {
        const relay = this.relays.getByName(name) as RelayDownstream;
        const ack: RelayAck = await relay.receive(push);
        if (ack.subscribers === 0 && (this.generations.get(name) ?? 0) === generation && push.type !== "retired") this.forget(name);
      } catch (error) {
        // The relay is restarting: its subscribers reconnect and it catches up by version.
        console.warn("relay push failed", { relay: name, type: push.type, error: String(error) });
      }
    });
    const tail = run.finally(() => {
      if (this.chains.get(name) === tail) this.chains.delete(name);
    });
    this.chains.set(name, tail);
    return run;
  }

  private forget(name: string): void {
    this.ensureTable();
    this.sql.exec("DELETE FROM relays WHERE name = ?", name);
    this.generations.delete(name);
  }
}

/** What a relay holding `since` needs to reach `current`: the logged deltas, else the snapshot. */
export function catchUp(log: DeltaLog, current: FlagSetDocument, since: SnapshotId): RelayCatchUp {
  if (since.version === current.version && since.contentHash === current.contentHash) return { deltas: [] };
  const deltas = log.since(since, current);
  return deltas ? { deltas } : { snapshot: current, log: log.entries() };
}
