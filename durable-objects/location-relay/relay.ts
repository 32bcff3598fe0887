// One LocationRelay per (environment, location), named `${environmentId}@${colo}` (relay-name.ts):
// the isolates of a location revalidate their snapshots and hand over their evaluation counts
// here (sync, protocol/count-batch.ts) instead of calling the environment object each. The relay
// answers from the document it holds and asks the environment object at most once per
// RELAY_INTERVAL_MS (carrying the counts it collected), so the object sees about one call per
// second per location, whatever the number of isolates (docs/scale/revalidation.md).
//
// Semantics the isolates rely on:
// - An answer is as fresh as the isolates' own calls used to be, give or take one interval: the
//   document was confirmed by the environment object within RELAY_INTERVAL_MS (or the caller
//   waited for the relay's call in flight). A change reaches evaluation within the isolate's
//   interval + the relay's interval + two round trips.
// - When the environment object cannot be reached the relay says so (UPSTREAM_UNAVAILABLE) instead
//   of answering from memory: the isolates keep their own last good snapshot and mark it stale
//   after SNAPSHOT_STALE_AFTER_MS exactly as before. It asks again at most once per interval.
// - Counts are acknowledged once stored in the relay's SQLite storage (count-store.ts,
//   deduplicated by batch id) and forwarded as one batch per interval; the alarm forwards what a
//   quiet location left behind, and a restarted relay finds its counts where it left them.
import { DurableObject } from "cloudflare:workers";
import type { FlagSetDocument } from "../../engine/types";
import type { SyncAnswer, SyncRequest } from "../../protocol/count-batch";
import type { Env } from "../../workers/env";
import { CountStore, SEEN_RETENTION_MS } from "../counts/count-store";
import { asDeliveryError, delivered, DeliveryError, type Delivered } from "../delivery-error";
import { environmentHub } from "../hub";
import { environmentOfRelay } from "./relay-name";

/** At most one call to the environment object per this many milliseconds (and relay). */
export const RELAY_INTERVAL_MS = 1_000;
/** A caller holding a newer version than the relay makes it ask early, but not more often than this. */
export const RELAY_MIN_SPACING_MS = 100;

export class LocationRelay extends DurableObject<Env> {
  private readonly counts: CountStore;
  /** The document as the environment object last confirmed it (memory only: refetched after a restart). */
  private document: FlagSetDocument | null = null;
  /** When the relay last asked the environment object (0: never, in this instance). */
  private askedAt = 0;
  private lastFailure: DeliveryError | null = null;
  private asking: Promise<void> | null = null;
  /** The alarm is known to be armed (memory: saves a storage read per sync carrying counts). */
  private alarmArmed = false;
  /** Diagnostics: calls this instance made to the environment object (the load tests read it). */
  upstreamCalls = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.counts = new CountStore(ctx.storage, "relay", () => this.environmentId);
  }

  async sync(request: SyncRequest): Promise<Delivered<SyncAnswer>> {
    return delivered(async () => {
      const acked = this.counts.receive(request.counts, Date.now());
      if (acked.length > 0) await this.armForwarding();
      await this.refresh(request);
      const current = this.document!;
      const same = current.version === request.version && current.contentHash === request.contentHash;
      return { document: same ? null : current, acked };
    });
  }

  /** Forwards counts a quiet location left behind; prunes old batch ids. */
  override async alarm(): Promise<void> {
    this.alarmArmed = false;
    this.counts.prune(Date.now() - SEEN_RETENTION_MS);
    if (!this.counts.pending()) return;
    const due = this.askedAt + RELAY_INTERVAL_MS;
    if (Date.now() >= due) await (this.asking ?? this.ask());
    if (this.counts.pending()) {
      await this.ctx.storage.setAlarm(Math.max(Date.now(), this.askedAt) + RELAY_INTERVAL_MS);
      this.alarmArmed = true;
    }
  }

  /**
   * Brings the document up to date when this interval's call has not been made yet; waits for a
   * call in flight. When the caller knows a newer version than the one held (an event-stream
   * notice beat this interval's call, OFREP's flagConfigEtag), asks again once, spaced by
   * RELAY_MIN_SPACING_MS: a call made just before the change, or in flight during it, cannot
   * answer for it. Throws the last failure when this interval's call failed.
   */
  private async refresh(request: SyncRequest): Promise<void> {
    const wanted = Math.max(request.version, request.atLeastVersion ?? 0);
    if (this.asking !== null) await this.asking;
    else if (this.document === null || Date.now() - this.askedAt >= RELAY_INTERVAL_MS) await this.ask();
    if (this.lastFailure === null && this.document !== null && this.document.version < wanted) {
      const wait = this.askedAt + RELAY_MIN_SPACING_MS - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (this.asking !== null) await this.asking;
      else if (this.document.version < wanted) await this.ask();
    }
    if (this.lastFailure !== null) throw this.lastFailure;
    if (this.document === null) throw new DeliveryError("UPSTREAM_UNAVAILABLE", "the relay holds no snapshot yet");
  }

  /** One call to the environment object: revalidates the document and hands on the sealed counts. */
  private ask(): Promise<void> {
    this.askedAt = Date.now();
    this.upstreamCalls++;
    const environmentId = this.environmentId;
    this.asking = (async () => {
      const batch = this.counts.sealed(() => `${this.ctx.id.name}:${crypto.randomUUID()}`);
      try {
        const held = this.document;
        const answer = await environmentHub(this.env, environmentId).sync({
          version: held?.version ?? 0, contentHash: held?.contentHash ?? "", counts: batch ? [batch] : [],
        });
        if (answer.document !== null) this.document = answer.document;
        for (const id of answer.acked) this.counts.settle(id);
        this.lastFailure = null;
      } catch (error) {
        const known = asDeliveryError(error);
        if (known?.code === "ENVIRONMENT_NOT_FOUND") {
          // Deleted (or never existed): nothing will ever take these counts.
          this.counts.clear();
          this.document = null;
          this.lastFailure = known;
        } else {
          const detail = error instanceof Error ? error.message : String(error);
          console.error("location relay could not reach the environment object", environmentId, detail);
          this.lastFailure = new DeliveryError("UPSTREAM_UNAVAILABLE", detail);
        }
      } finally {
        this.asking = null;
      }
    })();
    return this.asking;
  }

  private async armForwarding(): Promise<void> {
    if (this.alarmArmed) return;
    if ((await this.ctx.storage.getAlarm()) === null) {
      await this.ctx.storage.setAlarm(Math.max(Date.now(), this.askedAt + RELAY_INTERVAL_MS));
    }
    this.alarmArmed = true;
  }

  private get environmentId(): string {
    const environmentId = environmentOfRelay(this.ctx.id.name);
    if (environmentId === null) throw new DeliveryError("UNNAMED_OBJECT", "address the relay with LOCATION_RELAYS.getByName(relayName(environmentId, location))");
    return environmentId;
  }
}
