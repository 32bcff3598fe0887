// The isolate's cache of compiled environment snapshots: the evaluation hot path reads memory only.
//
// Read path: memory -> (miss) the KV copy, compiled and served at once while the Durable Object is
// asked in the background -> (KV miss too) the current snapshot, awaited.
// A memory entry older than SNAPSHOT_REVALIDATE_MS is still served, and one background call per
// environment per isolate, sync(version, contentHash, counts), brings it up to date and hands over
// the isolate's evaluation counts (protocol/count-batch.ts). The call goes to the location relay of
// this isolate's location (snapshot-source.ts), which asks the environment object at most once per
// second for all the isolates there. The content hash is compared too because a Durable Object
// whose storage was lost restarts at version 1: a version number alone could match a different document.
//
// Bounded staleness: a published change reaches evaluation in an isolate within about
// SNAPSHOT_REVALIDATE_MS (1 s) plus the relay's interval (1 s) plus two round trips (isolate ->
// relay -> object), the first request after that being the last one served from the old version.
// That holds under wrangler dev and in production alike, because revalidation always reaches the
// Durable Object through the relay. KV (up to ~60 s stale across locations) only serves a cold
// isolate until its first revalidation completes.
//
// Counts: any request schedules (through its waitUntil) a sync within one interval when none is
// scheduled, so counts never wait for a later request and an idle isolate has handed everything
// over before it can be evicted. `cacheHit` tells the counter whether the answer came from memory
// without awaiting KV, the relay or the object.
//
// Fail static: when the Durable Object cannot be reached (or times out) the last good snapshot keeps
// being served; once unconfirmed for SNAPSHOT_STALE_AFTER_MS the caller marks results `stale: true`.
// Stale means "could not be confirmed", never "had not asked yet": an entry past that age (an
// isolate idle for a minute) is revalidated before it answers, the wait bounded by
// SNAPSHOT_CONFIRM_WAIT_MS; only when that fails or is not answered in time is the result stale.
// An entry whose last attempt failed within SNAPSHOT_REVALIDATE_MS answers stale at once, so an
// unreachable object is asked at most once per interval, not once per request.
// Nothing here reads D1.
import { compileFlagSet, type CompiledFlagSet, prepareFlagSet } from "../../../engine/core";
import { FLAG_SET_SCHEMA_VERSION, type FlagSetDocument } from "../../../engine/types";
import type { CountBatch } from "../../../protocol/count-batch";
import { asDeliveryError } from "../../../durable-objects/delivery-error";
import { serverCounter, type ServerCounter } from "../analytics/server-counts";
import { ApiError } from "./errors";
import type { Env } from "../../env";
import { snapshotSettings, type SnapshotSettings } from "./settings";
import { platformSnapshotSource, withTimeout, type SnapshotSource } from "./snapshot-source";

/** A Durable Object call slower than this counts as unreachable. */
export const SNAPSHOT_RPC_TIMEOUT_MS = 5_000;
/** How long a request holding a stale-aged entry waits for its confirmation before answering stale. */
export const SNAPSHOT_CONFIRM_WAIT_MS = 300;
/** Syncs a scheduled hand-over tries (one interval apart) before leaving the counts to the next request. */
export const HANDOVER_ATTEMPTS = 3;

interface Entry {
  environmentId: string;
  compiled: CompiledFlagSet;
  version: number;
  /** The document's contentHash: with the version, what revalidation asks the object about. */
  contentHash: string;
  /** Where the snapshot came from: the KV copy or the Durable Object. */
  source: "kv" | "do";
  /** When a revalidation last started (or the entry was loaded). */
  checkedAt: number;
  /** When the Durable Object last confirmed this version (KV loads count as confirmed at load). */
  confirmedAt: number;
  /** Why the last revalidation failed, or null when it succeeded. */
  lastError: string | null;
  revalidation: Promise<void> | null;
  /** A request's waitUntil holds a sync scheduled to hand over the counts. */
  handoverScheduled: boolean;
}

export interface ServedSnapshot {
  compiled: CompiledFlagSet;
  /** Not confirmed by the Durable Object for longer than SNAPSHOT_STALE_AFTER_MS. */
  stale: boolean;
  /** Answered from memory without awaiting KV, the relay or the object (docs/ANALYTICS.md). */
  cacheHit: boolean;
}

export interface SnapshotHealth {
  id: string;
  key: string;
  version: number;
  source: "kv" | "do";
  /** Milliseconds since the Durable Object last confirmed this snapshot. */
  ageMs: number;
  stale: boolean;
  /** Whether the last revalidation reached the Durable Object. */
  durableObjectReachable: boolean;
  lastError: string | null;
}

/** Where background work (revalidations) is handed over: the request's ExecutionContext. */
export interface Background {
  waitUntil(promise: Promise<unknown>): void;
}

export class SnapshotCache {
  private readonly entries = new Map<string, Entry>();
  private readonly loads = new Map<string, Promise<Entry>>();

  constructor(
    private readonly now: () => number = Date.now,
    /** Whose counts the syncs carry: the isolate's counter. */
    private readonly counter: ServerCounter = serverCounter,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {}

  async get(
    environmentId: string,
    source: SnapshotSource,
    settings: SnapshotSettings,
    background: Background,
    /**
     * A version the caller knows exists (OFREP's flagConfigEtag, from an event-stream notice that
     * can arrive before this isolate's next revalidation): an older entry is revalidated first,
     * awaited. Concurrent callers share that one Durable Object call.
     */
    atLeastVersion?: number,
  ): Promise<ServedSnapshot> {
    let entry = this.entries.get(environmentId);
    let cacheHit = true;
    if (entry === undefined) {
      cacheHit = false;
      entry = await this.loadCoalesced(environmentId, source, background);
    } else if (atLeastVersion !== undefined && entry.version < atLeastVersion) {
      cacheHit = false;
      await this.revalidate(entry, source, atLeastVersion);
      // The revalidation joined may have been one in flight, asked before that version existed.
      if (entry.version < atLeastVersion) await this.revalidate(entry, source, atLeastVersion);
    } else if (this.isStale(entry, settings)) {
      cacheHit = !(await this.confirm(entry, source, settings, background));
    } else if (entry.revalidation === null && this.now() - entry.checkedAt >= settings.revalidateMs) {
      background.waitUntil(this.revalidate(entry, source));
    }
    if (!entry.handoverScheduled) this.scheduleHandover(entry, source, settings, background);
    return { compiled: entry.compiled, stale: this.isStale(entry, settings), cacheHit };
  }

  /**
   * Hands over the counts this request (and those before it) added: a sync once the interval since
   * the last one has passed, retried an interval later while unacknowledged, at most
   * HANDOVER_ATTEMPTS times. Nothing is called when nothing waits.
   */
  private scheduleHandover(entry: Entry, source: SnapshotSource, settings: SnapshotSettings, background: Background): void {
    entry.handoverScheduled = true;
    background.waitUntil((async () => {
      try {
        for (let attempt = 0; attempt < HANDOVER_ATTEMPTS; attempt++) {
          const wait = entry.checkedAt + settings.revalidateMs - this.now();
          await this.sleep(Math.min(settings.revalidateMs, Math.max(0, wait)));
          if (!this.counter.has(entry.environmentId)) return;
          await this.revalidate(entry, source);
          if (!this.counter.has(entry.environmentId)) return;
        }
      } finally {
        entry.handoverScheduled = false;
      }
    })());
  }

  /**
   * Stores an SDK's reported counts before the caller answers: one sync carrying only `batch`,
   * retried once with the same id (the relay's dedup makes that safe). Counts of a deleted
   * environment are dropped. Throws 503 COUNTS_UNAVAILABLE when they could not be stored.
   */
  async handOver(environmentId: string, source: SnapshotSource, batch: CountBatch): Promise<void> {
    const entry = this.entries.get(environmentId);
    const request = { version: entry?.version ?? 0, contentHash: entry?.contentHash ?? "", counts: [batch] };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const answer = await withTimeout(source.sync(environmentId, request), SNAPSHOT_RPC_TIMEOUT_MS);
        if (answer.acked.includes(batch.id)) return;
      } catch (error) {
        if (asDeliveryError(error)?.code === "ENVIRONMENT_NOT_FOUND") return;
        console.error("count hand-over failed", environmentId, String(error));
      }
    }
    throw new ApiError(503, "COUNTS_UNAVAILABLE", "the counts could not be stored right now; send them again shortly",
      undefined, { "Retry-After": "1" });
  }

  private isStale(entry: Entry, settings: SnapshotSettings): boolean {
    return this.now() - entry.confirmedAt > settings.staleAfterMs;
  }

  /**
   * Asks the object before answering stale (the revalidation in flight, or a new one unless the
   * last attempt failed within the revalidation interval), waiting at most SNAPSHOT_CONFIRM_WAIT_MS;
   * a slower answer still lands in the entry through waitUntil.
   */
  private async confirm(entry: Entry, source: SnapshotSource, settings: SnapshotSettings, background: Background): Promise<boolean> {
    let revalidation = entry.revalidation;
    if (revalidation === null) {
      if (this.now() - entry.checkedAt < settings.revalidateMs) return false; // asked just now and failed: stale
      revalidation = this.revalidate(entry, source);
      background.waitUntil(revalidation);
    }
    await withTimeout(revalidation, SNAPSHOT_CONFIRM_WAIT_MS).catch(() => undefined);
    return true;
  }

  describe(settings: SnapshotSettings): SnapshotHealth[] {
    const now = this.now();
    return [...this.entries.values()].map((e) => ({
      id: e.environmentId,
      key: e.compiled.environment.key,
      version: e.version,
      source: e.source,
      ageMs: now - e.confirmedAt,
      stale: now - e.confirmedAt > settings.staleAfterMs,
      durableObjectReachable: e.lastError === null,
      lastError: e.lastError,
    }));
  }

  /** Concurrent cold requests for one environment share one load. */
  private loadCoalesced(
    environmentId: string,
    source: SnapshotSource,
    background: Background,
  ): Promise<Entry> {
    let load = this.loads.get(environmentId);
    if (load === undefined) {
      load = this.load(environmentId, source, background).finally(() => this.loads.delete(environmentId));
      this.loads.set(environmentId, load);
    }
    return load;
  }

  private async load(
    environmentId: string,
    source: SnapshotSource,
    background: Background,
  ): Promise<Entry> {
    const stored = await source.readStored(environmentId).catch((error: unknown) => {
      console.error("KV read of snapshot failed", environmentId, error);
      return null;
    });
    const fromKv = stored === null ? undefined : await tryCompile(stored);
    if (fromKv !== undefined) {
      const entry = this.remember(environmentId, fromKv, fromKv.contentHash, "kv");
      background.waitUntil(this.revalidate(entry, source));
      return entry;
    }
    let document: FlagSetDocument;
    try {
      document = await withTimeout(source.fetchCurrent(environmentId), SNAPSHOT_RPC_TIMEOUT_MS);
    } catch (error) {
      console.error("no snapshot available", environmentId, error);
      throw new ApiError(503, "SNAPSHOT_UNAVAILABLE",
        "this environment's flag snapshot is not available yet; retry shortly", undefined, { "Retry-After": "1" });
    }
    const compiled = await tryCompile(document);
    if (compiled === undefined) {
      throw new ApiError(503, "SNAPSHOT_UNAVAILABLE", "this environment's flag snapshot could not be read");
    }
    return this.remember(environmentId, compiled, compiled.contentHash, "do");
  }

  private remember(environmentId: string, compiled: CompiledFlagSet, contentHash: string, source: "kv" | "do"): Entry {
    const now = this.now();
    const entry: Entry = {
      environmentId, compiled, version: compiled.version, contentHash, source,
      checkedAt: now, confirmedAt: now, lastError: null, revalidation: null, handoverScheduled: false,
    };
    this.entries.set(environmentId, entry);
    return entry;
  }

  /**
   * One sync (through the relay) carrying the pending counts; on failure the entry keeps serving
   * (fail static) and the counts stay pending, except for a deleted environment's, which are dropped.
   */
  private revalidate(entry: Entry, source: SnapshotSource, atLeastVersion?: number): Promise<void> {
    if (entry.revalidation !== null) return entry.revalidation;
    entry.checkedAt = this.now();
    entry.revalidation = (async () => {
      try {
        const counts = this.counter.take(entry.environmentId);
        const request = { version: entry.version, contentHash: entry.contentHash, counts, ...(atLeastVersion === undefined ? {} : { atLeastVersion }) };
        const { document, acked } = await withTimeout(source.sync(entry.environmentId, request), SNAPSHOT_RPC_TIMEOUT_MS);
        this.counter.acked(entry.environmentId, acked);
        if (document !== null) {
          const compiled = await tryCompile(document);
          if (compiled === undefined) throw new Error(`unreadable snapshot version ${document.version}`);
          entry.compiled = compiled;
          entry.version = compiled.version;
          entry.contentHash = compiled.contentHash;
          entry.source = "do";
        }
        entry.confirmedAt = this.now();
        entry.lastError = null;
      } catch (error) {
        if (asDeliveryError(error)?.code === "ENVIRONMENT_NOT_FOUND") this.counter.drop(entry.environmentId);
        entry.lastError = error instanceof Error ? error.message : String(error);
        console.error("snapshot revalidation failed", entry.environmentId, entry.lastError);
      } finally {
        entry.revalidation = null;
      }
    })();
    return entry.revalidation;
  }
}

/**
 * The snapshot compiled lazily (flags compile on first use): KV text is parsed per flag through its
 * layout, and a document received over RPC is this isolate's own. A KV copy written before
 * documents carried a hash has contentHash "", which never equals a real one. The regex engine
 * (RE2JS) is loaded first when the set uses `matches`, so an isolate whose sets never do does not
 * pay for it at startup (engine/regex-demand.ts).
 */
async function tryCompile(document: FlagSetDocument | string): Promise<CompiledFlagSet | undefined> {
  if (typeof document !== "string" && document?.schemaVersion !== FLAG_SET_SCHEMA_VERSION) {
    console.error("snapshot with unsupported schemaVersion", document?.schemaVersion);
    return undefined;
  }
  try {
    await prepareFlagSet(document);
    return compileFlagSet(document, { owned: true });
  } catch (error) {
    console.error("snapshot failed to compile", error);
    return undefined;
  }
}

/** The isolate's cache: module state lives as long as the isolate. */
export const snapshotCache = new SnapshotCache();

const sources = new WeakMap<Env, SnapshotSource>();

/**
 * The snapshot of a client's environment, as the isolate currently serves it. Per request this
 * allocates nothing but the result: the source is made once per env object (stable within an
 * isolate), the settings are memoised, and the ExecutionContext itself receives background work.
 */
export function snapshotFor(env: Env, ctx: Background, environmentId: string, atLeastVersion?: number): Promise<ServedSnapshot> {
  return snapshotCache.get(environmentId, sourceFor(env), snapshotSettings(env), ctx, atLeastVersion);
}

/** Stores an SDK's reported counts through this isolate's location relay (SnapshotCache.handOver). */
export function handOverCounts(env: Env, environmentId: string, batch: CountBatch): Promise<void> {
  return snapshotCache.handOver(environmentId, sourceFor(env), batch);
}

function sourceFor(env: Env): SnapshotSource {
  let source = sources.get(env);
  if (source === undefined) {
    source = platformSnapshotSource(env);
    sources.set(env, source);
  }
  return source;
}
