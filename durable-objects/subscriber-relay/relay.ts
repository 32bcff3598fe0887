// SubscriberRelay: holds an environment's subscriber sockets (SDK streams and internal events
// feeds) for one region and shard, so that the environment object sends each change once per
// relay instead of once per socket. Named `${environmentId}#${region}:${shard}` (naming.ts),
// created on demand near its subscribers (location hint), defined by the admin Worker like the
// environment object.
//
// It hosts its sockets with the same SocketHub as the environment object (hibernatable WebSockets,
// state in attachments and tags) and keeps its own copy of what the hub needs in its SQLite: the
// current document (SnapshotStore) and the last deltas (DeltaLog), so hello/resume-by-version,
// snapshot parts, acks and the slow-consumer policy behave exactly as on the environment object.
// The upstream link is RPC: the environment object pushes each change (registry.ts); this relay
// registers when it takes sockets and is not registered (after a restart its memory says it is
// not), and whenever what it holds does not follow a push, it asks for the missed versions by
// version. A relay that restarts loses no change: its sockets drop, subscribers reconnect with
// `since`, and it catches up before it answers them. With no sockets left it answers a push with
// `subscribers: 0` and is forgotten. Nothing here keeps the object awake between messages.
import { DurableObject } from "cloudflare:workers";
import type { FlagSetDocument } from "../../engine/types";
import { applyDelta } from "../../protocol/flag-set-delta";
import type { DeltaMessage, SnapshotId } from "../../protocol/stream";
import type { Env } from "../../workers/env";
import { DeliveryError, unwrapDelivered } from "../delivery-error";
import { DeltaLog } from "../delta-log";
import { completeClose, enableAutoPong, flagsChanged, SocketHub } from "../socket-hub";
import { SnapshotStore } from "../snapshot-store";
import type { RelayAck, RelayDownstream, RelayPush, RelayUpstream } from "./messages";
import { relayEnvironment, shardCapacity } from "./naming";

/** A registration older than this is renewed on the next use (the environment may have lost its registry). */
export const REGISTRATION_TTL_MS = 60_000;

export class SubscriberRelay extends DurableObject<Env> implements RelayDownstream {
  private store: SnapshotStore;
  private log: DeltaLog;
  private sockets: SocketHub;
  /** The held document, read lazily once per instance (undefined: not read yet). */
  private cached: FlagSetDocument | null | undefined;
  /** When this instance last registered with the environment object (0: not registered). */
  private registeredAt = 0;
  /** Credentials the environment object confirmed while registered (revocation pushes remove them). */
  private readonly enabled = new Set<string>();
  /** Counts revocation pushes, so a confirmation that raced a revocation is asked again. */
  private revocations = 0;
  /** Upgrades in progress: they count as subscribers, so a push meanwhile does not get this relay forgotten. */
  private upgrading = 0;
  /** Serialises pushes, registrations and catch-ups: versions are applied in order. */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new SnapshotStore(ctx.storage);
    this.log = new DeltaLog(ctx.storage.sql);
    this.sockets = this.socketHub();
    enableAutoPong(ctx);
  }

  /** WebSocket upgrades from the Worker (/stream, /events); 503 RELAY_FULL once the shard is full. */
  override async fetch(request: Request): Promise<Response> {
    const capacity = shardCapacity(this.env.RELAY_SHARD_CAPACITY);
    if (this.subscribers() >= capacity) {
      return Response.json({ error: { code: "RELAY_FULL", message: `this relay shard holds its ${capacity} sockets; use the next shard` } }, { status: 503 });
    }
    this.upgrading++;
    try {
      return await this.sockets.upgrade(request);
    } finally {
      this.upgrading--;
    }
  }

  override webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    return this.sockets.message(ws, message);
  }

  override webSocketClose(ws: WebSocket, code: number): void {
    completeClose(ws, code);
  }

  /** RPC from the environment object: one change for every socket here. */
  async receive(push: RelayPush): Promise<RelayAck> {
    await this.serially(() => this.apply(push));
    const subscribers = this.subscribers();
    // Answering 0 gets this relay forgotten: it must register again before it serves anyone.
    if (subscribers === 0) this.unregistered();
    return { subscribers };
  }

  /** Sockets held, and frames sent to them since this instance started (tests, benchmarks). */
  stats(): { sockets: number; framesSent: number } {
    return { sockets: this.sockets.socketCount(), framesSent: this.sockets.framesSent };
  }

  private async apply(push: RelayPush): Promise<void> {
    switch (push.type) {
      case "version": {
        // Without sockets nothing is kept current: the next registration catches up.
        if (this.subscribers() === 0) return;
        const held = this.document();
        if (!held || sameSnapshot(held, push.current)) return;
        if (push.deltaText !== null && held.version === push.current.version - 1 && held.contentHash === push.fromHash) {
          const delta = JSON.parse(push.deltaText) as DeltaMessage;
          this.hold(applyDelta(held, delta));
          this.sockets.deliver(this.document()!, { delta, deltaText: push.deltaText, fromHash: push.fromHash, event: push.event });
          return;
        }
        return this.catchUp(held);
      }
      case "event":
        return this.sockets.announce(push.event);
      case "revoke":
        this.revocations++;
        for (const hash of push.secretHashes) this.enabled.delete(hash);
        return this.sockets.revoke(push.secretHashes);
      case "revoke_user":
        return this.sockets.revokeUser(push.userId);
      case "retired":
        this.sockets.retire();
        await this.ctx.storage.deleteAll();
        this.store = new SnapshotStore(this.ctx.storage);
        this.log = new DeltaLog(this.ctx.storage.sql);
        this.sockets = this.socketHub();
        this.cached = undefined;
        this.unregistered();
        return;
    }
  }

  /** The current document: registers first when needed, and catches up when what it holds is behind. */
  private current(): Promise<FlagSetDocument> {
    const held = this.document();
    if (held && this.registeredAt !== 0 && Date.now() - this.registeredAt < REGISTRATION_TTL_MS) return Promise.resolve(held);
    return this.serially(async () => {
      const current = unwrapDelivered(await this.upstream().registerRelay(this.name));
      this.registeredAt = Date.now();
      const now = this.document();
      if (!now || !sameSnapshot(now, current)) await this.catchUp(now);
      return this.document()!;
    });
  }

  /** Takes the versions it missed from the environment object (the deltas, else the snapshot) and delivers them. */
  private async catchUp(held: FlagSetDocument | null): Promise<void> {
    const since: SnapshotId = held ? { version: held.version, contentHash: held.contentHash } : { version: 0, contentHash: "" };
    const answer = unwrapDelivered(await this.upstream().relayCatchUp(since));
    if ("snapshot" in answer) {
      this.hold(answer.snapshot);
      if (held) this.sockets.deliver(answer.snapshot, { delta: null, deltaText: null, fromHash: null, event: flagsChanged(answer.snapshot, null) });
      // After the hub's own bookkeeping (deliver empties the log): the object's log, for resumes.
      const last = answer.log.at(-1);
      if (last && (JSON.parse(last.text) as DeltaMessage).version === answer.snapshot.version) this.log.replace(answer.log);
      else this.log.clear();
      return;
    }
    for (const deltaText of answer.deltas) {
      const before = this.document()!;
      const delta = JSON.parse(deltaText) as DeltaMessage;
      this.hold(applyDelta(before, delta));
      this.sockets.deliver(this.document()!, { delta, deltaText, fromHash: before.contentHash, event: flagsChanged(this.document()!, delta) });
    }
  }

  private async credentialEnabled(secretHash: string): Promise<boolean> {
    if (this.registeredAt !== 0 && this.enabled.has(secretHash)) return true;
    for (;;) {
      const seen = this.revocations;
      const enabled = await this.upstream().credentialEnabled(secretHash);
      if (seen !== this.revocations) continue; // a revocation arrived meanwhile: ask again
      if (enabled && this.registeredAt !== 0) this.enabled.add(secretHash);
      return enabled;
    }
  }

  private socketHub(): SocketHub {
    return new SocketHub(this.ctx, this.log, {
      snapshot: () => this.current(),
      current: () => this.document(),
      credentialEnabled: (secretHash) => this.credentialEnabled(secretHash),
    });
  }

  private subscribers(): number {
    return this.sockets.socketCount() + this.upgrading;
  }

  private unregistered(): void {
    this.registeredAt = 0;
    this.enabled.clear();
  }

  private hold(document: FlagSetDocument): void {
    this.store.saveDocument(document, document.contentHash);
    this.cached = document;
  }

  private document(): FlagSetDocument | null {
    if (this.cached === undefined) this.cached = this.store.document();
    return this.cached;
  }

  private upstream(): RelayUpstream {
    return this.env.ENVIRONMENTS.getByName(this.environmentId) as unknown as RelayUpstream;
  }

  private get name(): string {
    return this.ctx.id.name!;
  }

  private get environmentId(): string {
    const environmentId = relayEnvironment(this.ctx.id.name);
    if (!environmentId) throw new DeliveryError("UNNAMED_OBJECT", "address a relay as RELAYS.getByName(`${environmentId}#${region}:${shard}`)");
    return environmentId;
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

const sameSnapshot = (document: FlagSetDocument, id: SnapshotId) =>
  document.version === id.version && document.contentHash === id.contentHash;
