// Evaluation counts: local evaluations are aggregated in memory per (flag, variant, reason) and
// posted in batches to POST /v1/evaluation-counts (every flushIntervalMs, when a window reaches
// maxEntries distinct entries, and on flush/close). Memory is bounded (at most maxPendingBatches
// windows of maxEntries entries wait for upload; the oldest is dropped beyond that), failures are
// retried with backoff up to maxAttempts, and nothing here ever throws to the application.
import type { Reason } from "../../engine/types";
import { backoffDelay, type BackoffOptions } from "./backoff";
import { silentLogger, type FluxGateLogger } from "./logger";
import { SDK_NAME } from "./version";

export const EVALUATION_COUNTS_PATH = "/v1/evaluation-counts";
/** The endpoint's limit on entries per batch. */
export const MAX_COUNT_ENTRIES = 1000;

export interface EvaluationCountsOptions {
  /** Upload period. Default 10,000 ms. */
  flushIntervalMs?: number;
  /** Distinct (flag, variant, reason) entries per batch; a full window is uploaded at once. Default and maximum 1,000. */
  maxEntries?: number;
  /** Windows kept for upload while the endpoint is unreachable; older ones are dropped. Default 10. */
  maxPendingBatches?: number;
  /** Uploads of one batch before it is dropped. Default 5. */
  maxAttempts?: number;
  /** Retry backoff. Default 1,000 ms doubling up to 60,000 ms. */
  retry?: BackoffOptions;
}

/** One aggregated entry of a batch, as the endpoint takes it. */
export interface EvaluationCountEntry {
  flag: string;
  variant: string | null;
  reason: Reason;
  count: number;
}

export interface EvaluationCountBatch {
  sdk: string;
  /** Unique per batch and kept across retries: the server counts a resent batch once. */
  reportId: string;
  windowStart: string;
  windowEnd: string;
  counts: EvaluationCountEntry[];
}

/** What happened to counts so far (for diagnostics and tests). */
export interface EvaluationCountStats {
  /** Entries the endpoint accepted. */
  sentEntries: number;
  /** Entries dropped: the endpoint refused them, retries ran out, or the pending bound was hit. */
  droppedEntries: number;
  /** Batches waiting for upload. */
  pendingBatches: number;
}

interface PendingBatch {
  body: EvaluationCountBatch;
  attempts: number;
  notBefore: number;
}

/** Sends one batch; resolves to the HTTP status, rejects on a network failure. */
export type CountSender = (batch: EvaluationCountBatch) => Promise<number>;

export class EvaluationCounter {
  private window = new Map<string, EvaluationCountEntry>();
  /** Shared engine result -> its window entry (cleared with the window). */
  private byResult = new Map<object, EvaluationCountEntry>();
  private windowStart = 0;
  private readonly pending: PendingBatch[] = [];
  private flushing: Promise<void> | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  private readonly stats_ = { sentEntries: 0, droppedEntries: 0 };
  private readonly maxEntries: number;

  constructor(
    private readonly send: CountSender,
    private readonly options: EvaluationCountsOptions = {},
    private readonly logger: FluxGateLogger = silentLogger,
    private readonly now: () => number = Date.now,
  ) {
    this.maxEntries = Math.min(MAX_COUNT_ENTRIES, Math.max(1, options.maxEntries ?? MAX_COUNT_ENTRIES));
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 10_000);
    // Never keep a Node process alive just to upload counts.
    (this.timer as { unref?: () => void }).unref?.();
  }

  /** Counts one evaluation. O(1), no I/O. */
  record(flag: string, variant: string | null | undefined, reason: Reason): void {
    if (this.closed) return;
    this.entryFor(flag, variant ?? null, reason).count += 1;
  }

  /**
   * Counts one engine result. The engine hands out the same frozen result object for every
   * evaluation that lands on the same outcome, so the hot path is one identity-map lookup, with
   * no key string built per evaluation.
   */
  recordResult(result: { readonly key: string; readonly variant: string | undefined; readonly reason: Reason }): void {
    const entry = this.byResult.get(result);
    if (entry !== undefined && !this.closed) {
      entry.count += 1;
      return;
    }
    if (!Object.isFrozen(result)) {
      this.record(result.key, result.variant, result.reason);
      return;
    }
    if (this.closed) return;
    const created = this.entryFor(result.key, result.variant ?? null, result.reason);
    created.count += 1;
    this.byResult.set(result, created);
  }

  private entryFor(flag: string, variant: string | null, reason: Reason): EvaluationCountEntry {
    const key = `${flag}\u0000${variant ?? "\u0001"}\u0000${reason}`;
    let entry = this.window.get(key);
    if (entry) return entry;
    if (this.window.size >= this.maxEntries) {
      this.cutWindow();
      void this.flush();
    }
    if (this.window.size === 0) this.windowStart = this.now();
    entry = { flag, variant, reason, count: 0 };
    this.window.set(key, entry);
    return entry;
  }

  get stats(): EvaluationCountStats {
    return { ...this.stats_, pendingBatches: this.pending.length };
  }

  /** Uploads everything counted so far (due retries included). Never rejects. */
  flush(): Promise<void> {
    this.cutWindow();
    const run = (this.flushing ?? Promise.resolve()).then(() => this.drain());
    const settled = run.catch((error: unknown) => this.logger.error("fluxgate: evaluation count upload failed", error));
    this.flushing = settled;
    return settled;
  }

  /** Stops the timer and makes one last upload attempt of everything counted. Never rejects. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const batch of this.pending) batch.notBefore = 0; // one last attempt, whatever the backoff
    await this.flush();
    this.closed = true;
  }

  private cutWindow(): void {
    if (this.window.size === 0) return;
    const body: EvaluationCountBatch = {
      sdk: SDK_NAME,
      reportId: globalThis.crypto.randomUUID(),
      windowStart: new Date(this.windowStart).toISOString(),
      windowEnd: new Date(this.now()).toISOString(),
      counts: [...this.window.values()],
    };
    this.window = new Map();
    this.byResult = new Map();
    this.pending.push({ body, attempts: 0, notBefore: 0 });
    const limit = this.options.maxPendingBatches ?? 10;
    while (this.pending.length > limit) this.drop(this.pending.shift()!, "too many batches waiting");
  }

  private async drain(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending[0]!;
      if (batch.notBefore > this.now()) return; // backing off; the next tick retries
      let status: number | undefined;
      try {
        status = await this.send(batch.body);
      } catch (error) {
        this.logger.warn("fluxgate: evaluation counts not delivered (network)", error);
      }
      if (this.pending[0] !== batch) continue; // dropped meanwhile by the pending bound
      if (status !== undefined && status >= 200 && status < 300) {
        this.pending.shift();
        this.stats_.sentEntries += batch.body.counts.length;
        continue;
      }
      if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429) {
        this.pending.shift();
        this.drop(batch, `refused with HTTP ${status}`);
        continue;
      }
      batch.attempts += 1;
      if (batch.attempts >= (this.options.maxAttempts ?? 5)) {
        this.pending.shift();
        this.drop(batch, `no success after ${batch.attempts} attempts`);
        continue;
      }
      batch.notBefore = this.now() + backoffDelay(batch.attempts - 1, this.options.retry ?? { initialMs: 1_000, maxMs: 60_000 });
      return;
    }
  }

  private drop(batch: PendingBatch, why: string): void {
    this.stats_.droppedEntries += batch.body.counts.length;
    this.logger.warn(`fluxgate: dropped ${batch.body.counts.length} evaluation count entries: ${why}`);
  }
}

/** A CountSender posting to `<baseUrl>/v1/evaluation-counts` with the client credential. */
export function httpCountSender(baseUrl: string, credential: string, fetchImpl: typeof fetch = globalThis.fetch): CountSender {
  const url = `${baseUrl.replace(/\/+$/, "")}${EVALUATION_COUNTS_PATH}`;
  return async (batch) => {
    const response = await fetchImpl(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${credential}` },
      body: JSON.stringify(batch),
      signal: AbortSignal.timeout(10_000),
    });
    await response.body?.cancel();
    return response.status;
  };
}
