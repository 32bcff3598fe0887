// One Durable Object per environment, addressed as env.ENVIRONMENTS.getByName(environmentId).
// It owns the environment's published FlagSetDocument and its version counter: publish() rebuilds
// from D1 (the source of truth), bumps the version only when the content changed, stores the
// document, writes it to KV (at most once per second, the KV per-key limit) and keeps the
// environment's client records in KV in step with D1. retire() erases all of it once the
// environment is deleted.
//
// The class here is abstract: the alarm's scheduled work (scheduled changes, kill-switch rollbacks)
// is the control plane's, so it reaches the object through the ScheduledWork port and the Worker
// that defines the object (the admin Worker, workers/admin/environment-do.ts) wires it. This folder
// imports nothing from workers/admin, and the evaluation Worker binds the class by script_name.
//
// Identity: the object reads its environment id from ctx.id.name (set by getByName/idFromName,
// also inside alarms), so the EnvironmentHub methods need no id argument and a stub obtained any
// other way fails with UNNAMED_OBJECT instead of publishing the wrong environment.
import { DurableObject } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { environments } from "../db/schema";
import { snapshotText } from "../engine/snapshot-text";
import { FLAG_SET_SCHEMA_VERSION, type FlagSetDocument } from "../engine/types";
import type { SyncAnswer, SyncRequest } from "../protocol/count-batch";
import { clientKvKey, flagSetKvKey, type ClientRecord, type PublishResult } from "../protocol/delivery";
import type { DeliveryEvent, SnapshotId } from "../protocol/stream";
import { flagSetContentHash } from "../protocol/flag-set-delta";
import type { Env } from "../workers/env";
import { CountLedger } from "./counts/count-ledger";
import { diffClientRecords, hashesOwnedElsewhere, loadClientRecords } from "./client-records";
import { delivered, DeliveryError, type Delivered } from "./delivery-error";
import type { EnvironmentObjectRpc } from "./hub";
import { DeltaLog } from "./delta-log";
import { completeClose, enableAutoPong, SocketHub } from "./socket-hub";
import type { RelayCatchUp, RelayUpstream } from "./subscriber-relay/messages";
import { catchUp, RelayRegistry } from "./subscriber-relay/registry";
import { buildFlagSet } from "./snapshot-builder";
import { SnapshotStore } from "./snapshot-store";
import { retryDelayMs, ScheduleStore, type ScheduleHub, type ScheduleItem, type StoredScheduleItem } from "./schedule-store";

/** KV accepts one write per second per key. */
export const KV_WRITE_INTERVAL_MS = 1000;

/** Runs one due schedule item (a scheduled_changes row id); throws to be retried with backoff. */
export interface ScheduledWork {
  run(scheduledChangeId: string): Promise<void>;
}

export abstract class EnvironmentObject extends DurableObject<Env> implements EnvironmentObjectRpc, ScheduleHub, RelayUpstream {
  private store: SnapshotStore;
  private schedules: ScheduleStore;
  /** Live delivery over hibernatable WebSockets (socket-hub.ts); its state is in storage and attachments. */
  private sockets: SocketHub;
  /** The relays holding this environment's subscribers: each change goes once to each (subscriber-relay/). */
  private relays: RelayRegistry;
  /** The stored document, read lazily once per object lifetime (undefined: not read yet). */
  private cached: FlagSetDocument | null | undefined;
  /** Serialises rebuilds and KV flushes: a rebuild started later always reads D1 later. */
  private tail: Promise<unknown> = Promise.resolve();
  /** A queued rebuild that has not started reading D1 yet; later callers share it. */
  private queued: Promise<PublishResult> | null = null;
  /** Evaluation counts on their way to D1 (counts/count-ledger.ts), flushed by the alarm. */
  private ledger: CountLedger;
  /** Diagnostics: sync calls this instance answered (the load tests read it). */
  syncCalls = 0;

  /** The control plane's runner for due schedule items (wired by the defining Worker). */
  protected abstract scheduledWork(): ScheduledWork;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new SnapshotStore(ctx.storage);
    this.schedules = new ScheduleStore(ctx.storage.sql);
    this.sockets = this.socketHub();
    this.ledger = this.countLedger();
    this.relays = new RelayRegistry(ctx.storage.sql, env.RELAYS);
    enableAutoPong(ctx);
  }

  /** WebSocket upgrades from the Worker: /stream (SDK subscribers) and /events (internal feeds). */
  override fetch(request: Request): Promise<Response> {
    return this.sockets.upgrade(request);
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    return this.sockets.message(ws, message);
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    completeClose(ws, code);
  }

  /** Sends a delivery event (kill switch, approval request) to the events sockets. */
  async announce(event: DeliveryEvent): Promise<void> {
    this.sockets.announce(event);
    void this.relays.push({ type: "event", event });
  }

  /** Closes the sockets opened with this user's token (the user lost access). */
  async revokeUser(userId: string): Promise<void> {
    this.sockets.revokeUser(userId);
    void this.relays.push({ type: "revoke_user", userId });
  }

  // RPC from relays (subscriber-relay/relay.ts). Pushes to relays are never awaited here: a relay
  // may be waiting on this object (a registration) while it receives one.

  registerRelay(name: string): Promise<Delivered<SnapshotId>> {
    return delivered(async () => {
      // Registered first: a version published while the snapshot is read is pushed to it as well.
      this.relays.register(name);
      const current = await this.currentSnapshot();
      return { version: current.version, contentHash: current.contentHash };
    });
  }

  relayCatchUp(since: SnapshotId): Promise<Delivered<RelayCatchUp>> {
    return delivered(async () => catchUp(new DeltaLog(this.ctx.storage.sql), await this.currentSnapshot(), since));
  }

  credentialEnabled(secretHash: string): Promise<boolean> {
    return this.credentialStillEnabled(secretHash);
  }

  /** Counters of what this object sent since it started: frames to its own sockets, RPCs to relays. */
  deliveryStats(): { framesSent: number; relayPushes: number; relays: string[] } {
    return { framesSent: this.sockets.framesSent, relayPushes: this.relays.pushes, relays: this.relays.names() };
  }

  // RPC: expected failures (ENVIRONMENT_NOT_FOUND, ENVIRONMENT_EXISTS) are answered as values.
  publish(): Promise<Delivered<PublishResult>> {
    return delivered(() => this.publishQueued());
  }

  getSnapshot(): Promise<Delivered<FlagSetDocument>> {
    return delivered(() => this.currentSnapshot());
  }

  getSnapshotIfChanged(version: number, contentHash: string): Promise<Delivered<FlagSetDocument | null>> {
    return delivered(() => this.snapshotIfChanged(version, contentHash));
  }

  /**
   * Revalidation plus counts (protocol/count-batch.ts), from the location relays (or an isolate
   * whose relay is unreachable). Counts are stored only once the environment is known to exist,
   * so a deleted environment's object stays empty; its senders drop them on ENVIRONMENT_NOT_FOUND.
   */
  sync(request: SyncRequest): Promise<Delivered<SyncAnswer>> {
    this.syncCalls++;
    return delivered(async () => {
      const document = await this.snapshotIfChanged(request.version, request.contentHash);
      // Serially: a retire in flight erases the storage (deleteAll) and must not run mid-receive.
      const acked = await this.serially(async () => this.ledger.receive(request.counts, Date.now()));
      const flushAt = this.ledger.nextFlushAt();
      if (flushAt !== null) await this.armAlarm(flushAt);
      return { document, acked };
    });
  }

  retire(): Promise<Delivered<void>> {
    return delivered(() => this.retireNow());
  }

  private publishQueued(): Promise<PublishResult> {
    if (this.queued) return this.queued;
    const run = this.serially(() => {
      this.queued = null;
      return this.rebuild();
    });
    this.queued = run;
    return run;
  }

  private async currentSnapshot(): Promise<FlagSetDocument> {
    const current = this.document();
    // A document stored by an older code version is rebuilt (as a new version) before it is served.
    if (isCurrentShape(current)) return current;
    await this.publishQueued();
    return this.document()!;
  }

  /**
   * Null when the caller holds this very snapshot. Both fields are compared: after a loss of this
   * object's storage the versions restart at 1, so an equal version may name other content.
   */
  private async snapshotIfChanged(version: number, contentHash: string): Promise<FlagSetDocument | null> {
    const current = await this.currentSnapshot();
    return current.version === version && current.contentHash === contentHash ? null : current;
  }

  /**
   * Leaves nothing behind of a deleted environment. Runs after any rebuild in flight (serially),
   * so no later KV write can restore what it deletes. Client records are deleted from KV unless
   * another environment owns the secret now (a moved client). Afterwards the object is empty; a
   * late call (an isolate revalidating) rebuilds from D1, finds no environment and stores nothing.
   */
  private retireNow(): Promise<void> {
    return this.serially(async () => {
      const environmentId = this.environmentId;
      const db = drizzle(this.env.DB);
      const [row] = await db.select({ id: environments.id }).from(environments).where(eq(environments.id, environmentId)).limit(1);
      if (row) throw new DeliveryError("ENVIRONMENT_EXISTS", `environment ${environmentId} still exists; delete it first`);
      const written = [...this.store.clientRecords().keys()];
      const elsewhere = written.length > 0 ? await hashesOwnedElsewhere(db, written, environmentId) : new Set<string>();
      for (const secretHash of written) {
        if (!elsewhere.has(secretHash)) await this.env.FLAGS_KV.delete(clientKvKey(secretHash));
      }
      await this.env.FLAGS_KV.delete(flagSetKvKey(environmentId));
      this.sockets.retire();
      void this.relays.push({ type: "retired" });
      await this.ctx.storage.deleteAlarm();
      await this.ctx.storage.deleteAll();
      // deleteAll drops the SQLite tables too: give this instance empty ones for any late call.
      this.store = new SnapshotStore(this.ctx.storage);
      this.schedules = new ScheduleStore(this.ctx.storage.sql);
      this.sockets = this.socketHub();
      this.ledger = this.countLedger();
      this.relays = new RelayRegistry(this.ctx.storage.sql, this.env.RELAYS);
      this.cached = undefined;
    });
  }

  /** Runs the item (a scheduled_changes row id) from the alarm at item.runAt; stored durably. */
  async schedule(item: ScheduleItem): Promise<void> {
    this.schedules.put(item);
    await this.armAlarm(item.runAt);
  }

  /** Forgets the item (its alarm may still fire and then finds nothing due). */
  async cancelSchedule(id: string): Promise<void> {
    this.schedules.delete(id);
  }

  /**
   * Two duties. KV: writes the latest document. Without due schedule items the alarm was armed
   * for the end of the per-key interval, so it writes without re-checking the clock; with due
   * items it may have fired earlier, so the interval is checked (and the flush re-armed).
   * Schedule: runs the due items (outside `serially`, since they publish through this very object),
   * removes each one that ran, retries failures with backoff, then re-arms for the next item.
   * At-least-once delivery is harmless: KV is rewritten only when older, items are idempotent.
   */
  override async alarm(): Promise<void> {
    // An alarm can outlive the storage this instance set up (erased by deleteAll while it was
    // armed or running): nothing is left to flush or run, so it ends quietly instead of failing
    // on missing tables (and being retried by the runtime).
    if (!this.storageIntact()) return;
    const due = this.schedules.due(Date.now());
    // Armed for counts too, the alarm may fire before the KV interval ended: then check the clock.
    const countsWaiting = this.ledger.nextFlushAt() !== null;
    await this.serially(() => this.flushKv({ intervalElapsed: due.length === 0 && !countsWaiting }));
    // Serially: retire's deleteAll must not run between the ledger's reads and writes.
    await this.serially(() => this.flushCounts());
    for (const item of due) await this.runScheduled(item);
    const next = this.schedules.next();
    if (next !== null) await this.armAlarm(next);
  }

  /** Writes waiting counts to D1 and tells the live analytics subscribers; D1 failures retry next interval. */
  private async flushCounts(): Promise<void> {
    try {
      const minutes = await this.ledger.flush(Date.now());
      if (minutes !== null) {
        // To this object's own events sockets and to every relay (where the subscriptions' feeds are).
        await this.announce({ type: "evaluations_counted", environmentId: this.environmentId, minutes, at: new Date().toISOString() });
      }
    } catch (error) {
      console.error("evaluation count flush to D1 failed; retrying", error);
    }
    const flushAt = this.ledger.nextFlushAt();
    if (flushAt !== null) await this.armAlarm(Math.max(flushAt, Date.now() + 1));
  }

  private countLedger(): CountLedger {
    return new CountLedger(this.ctx.storage, this.env.DB, () => this.environmentId);
  }

  private storageIntact(): boolean {
    const { n } = this.ctx.storage.sql.exec<{ n: number }>(
      "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('schedule', 'snapshot_state')").one();
    return n === 2;
  }

  private async runScheduled(item: StoredScheduleItem): Promise<void> {
    try {
      await this.scheduledWork().run(item.id);
      this.schedules.delete(item.id);
    } catch (error) {
      console.error("scheduled change failed; retrying", { id: item.id, attempts: item.attempts + 1, error });
      this.schedules.retryAt(item.id, Date.now() + retryDelayMs(item.attempts));
    }
  }

  private get environmentId(): string {
    const name = this.ctx.id.name;
    if (!name) throw new DeliveryError("UNNAMED_OBJECT", "address the object with ENVIRONMENTS.getByName(environmentId)");
    return name;
  }

  private socketHub(): SocketHub {
    return new SocketHub(this.ctx, new DeltaLog(this.ctx.storage.sql), {
      snapshot: () => this.currentSnapshot(),
      current: () => this.document(),
      credentialEnabled: (secretHash) => this.credentialStillEnabled(secretHash),
    });
  }

  private async credentialStillEnabled(secretHash: string): Promise<boolean> {
    // A rebuild stores the document before it syncs the client records: wait for one in flight.
    await this.tail;
    if (this.credentialKnownEnabled(secretHash)) return true;
    // The Worker found the credential valid in KV but this object does not know it: its records
    // may be behind (a sync cut short by a restart). Re-read D1 once before refusing.
    await this.serially(() => this.syncClientRecords(drizzle(this.env.DB), this.environmentId));
    return this.credentialKnownEnabled(secretHash);
  }

  private credentialKnownEnabled(secretHash: string): boolean {
    const json = this.store.clientRecords().get(secretHash);
    return json !== undefined && (JSON.parse(json) as ClientRecord).enabled;
  }

  private document(): FlagSetDocument | null {
    if (this.cached === undefined) this.cached = this.store.document();
    return this.cached;
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async rebuild(): Promise<PublishResult> {
    const environmentId = this.environmentId;
    const db = drizzle(this.env.DB);
    const content = await buildFlagSet(db, environmentId);
    const contentHash = await flagSetContentHash(content);
    const state = this.store.state();
    let current = this.document();
    const changed = !isCurrentShape(current) || current.contentHash !== contentHash;
    if (changed) {
      const previous = isCurrentShape(current) ? current : null;
      current = {
        schemaVersion: content.schemaVersion,
        environment: content.environment,
        version: (state?.version ?? 0) + 1,
        generatedAt: new Date().toISOString(),
        contentHash,
        flags: content.flags,
        segments: content.segments,
      };
      this.store.saveDocument(current, contentHash);
      this.cached = current;
      const delivery = this.sockets.published(previous, current);
      void this.relays.push({
        type: "version", current: { version: current.version, contentHash }, deltaText: delivery.deltaText,
        fromHash: delivery.fromHash, event: delivery.event,
      });
    }
    await this.syncClientRecords(db, environmentId);
    await this.flushKv();
    return { environmentId, version: current!.version, changed };
  }

  /**
   * Writes the current document to KV when KV holds an older version: now if the last write is
   * at least KV_WRITE_INTERVAL_MS old, else the alarm does it then. A failed write is retried by
   * the alarm; KV is a cache, so the publish itself still succeeds.
   */
  private async flushKv({ intervalElapsed = false } = {}): Promise<void> {
    const state = this.store.state();
    const current = this.document();
    if (!state || !current || state.kvVersion === state.version) return;
    const due = state.kvWrittenAt + KV_WRITE_INTERVAL_MS;
    if (!intervalElapsed && Date.now() < due) return this.armAlarm(due);
    try {
      await this.env.FLAGS_KV.put(flagSetKvKey(this.environmentId), snapshotText(current));
      this.store.markKvWritten(current.version, Date.now());
    } catch (error) {
      console.error("flag set KV write failed; retrying from the alarm", error);
      await this.armAlarm(Date.now() + KV_WRITE_INTERVAL_MS);
    }
  }

  private async armAlarm(at: number): Promise<void> {
    const armed = await this.ctx.storage.getAlarm();
    if (armed === null || armed > at) await this.ctx.storage.setAlarm(at);
  }

  /**
   * Puts every client record of this environment whose content changed since the last publish,
   * and deletes the records of clients that left it (deleted, rotated, moved elsewhere: a moved
   * client's record is rewritten by its new environment, so it is not deleted here).
   */
  private async syncClientRecords(db: ReturnType<typeof drizzle>, environmentId: string): Promise<void> {
    const { put, stale } = diffClientRecords(this.store.clientRecords(), await loadClientRecords(db, environmentId));
    const revoked = [...put.filter((p) => !(JSON.parse(p.json) as ClientRecord).enabled).map((p) => p.secretHash), ...stale];
    this.sockets.revoke(revoked);
    if (revoked.length > 0) void this.relays.push({ type: "revoke", secretHashes: revoked });
    for (const { secretHash, json } of put) {
      await this.env.FLAGS_KV.put(clientKvKey(secretHash), json);
      this.store.putClientRecord(secretHash, json);
    }
    if (stale.length === 0) return;
    const elsewhere = await hashesOwnedElsewhere(db, stale, environmentId);
    for (const secretHash of stale) {
      if (!elsewhere.has(secretHash)) await this.env.FLAGS_KV.delete(clientKvKey(secretHash));
      this.store.deleteClientRecord(secretHash);
    }
  }
}

/** Written by this code version: the current schema, and the content hash (added later) present. */
function isCurrentShape(document: FlagSetDocument | null): document is FlagSetDocument {
  return document?.schemaVersion === FLAG_SET_SCHEMA_VERSION && typeof document.contentHash === "string";
}
