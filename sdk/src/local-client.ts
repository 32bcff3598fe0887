// Local evaluation: the environment's snapshot arrives over the stream (or from a bootstrap
// document / storage first), is compiled once per version, and every evaluation runs the engine
// in-process: no network round trip per evaluation. While offline the last snapshot keeps serving.
import { compileFlagSet, evaluateAll, evaluateFlag, type CompiledFlagSet } from "../../engine/index";
import type { EvaluationContext, EvaluationResult, FlagSetDocument } from "../../engine/types";
import { isFlagSetDocument } from "./document";
import { Emitter } from "./emitter";
import { FluxGateError } from "./errors";
import { EvaluationCounter, httpCountSender, type EvaluationCountsOptions, type EvaluationCountStats } from "./evaluation-counts";
import { silentLogger, type FluxGateLogger } from "./logger";
import type { SnapshotStorage } from "./storage";
import { StreamClient, type StreamClientOptions } from "./stream-client";

export interface LocalClientOptions extends StreamClientOptions {
  /**
   * A snapshot to serve before the stream answers (server-rendered into a page, or shipped with
   * the app), so the first render has values. The stream resumes from its version.
   */
  bootstrap?: FlagSetDocument;
  /** Loads the last snapshot at start and saves every new one (see SnapshotStorage). */
  storage?: SnapshotStorage;
  /** STALE when the held snapshot has not been confirmed by the server for this long since start. Default 30,000 ms. */
  staleAfterMs?: number;
  /** start() rejects (INITIAL_LOAD_FAILED) when no snapshot is held after this long. Default 10,000 ms. */
  initialLoadTimeoutMs?: number;
  /** Evaluation counts (on by default); `false` turns them off. */
  evaluationCounts?: false | EvaluationCountsOptions;
}

/** The client's state, in OpenFeature's terms. */
export type ClientStatus = "NOT_READY" | "READY" | "STALE" | "ERROR";

export interface LocalClientEvents extends Record<string, unknown> {
  /** A snapshot is held and confirmed (first time, or again after STALE). */
  ready: { version: number };
  /** A new version: which flags changed. */
  changed: { version: number; flagsChanged: string[] };
  /** Still serving the last snapshot, but it may be outdated (connection lost, or no confirmation). */
  stale: { version: number | undefined; reason: string };
  /** Terminal failure: the client stopped updating (it still serves the last snapshot, if any). */
  error: FluxGateError;
}

const NOT_READY_RESULT = (key: string): EvaluationResult => ({
  key, value: undefined, variant: undefined, reason: "ERROR", errorCode: "GENERAL",
  errorDetails: "no snapshot held yet", metadata: {},
});

/**
 * Evaluates flags locally from the streamed snapshot.
 *
 * @example
 * ```ts
 * const flags = new FluxGateLocalClient({ baseUrl: "https://flags.example.com", credential: process.env.FLUXGATE_SECRET! });
 * await flags.start();
 * const { value } = flags.evaluate("dark_mode", { targetingKey: "user-1" });
 * ```
 */
export class FluxGateLocalClient {
  /** Subscribe with `client.events.on("changed", ...)`. */
  readonly events: Emitter<LocalClientEvents>;
  private readonly stream: StreamClient;
  private readonly counter: EvaluationCounter | undefined;
  private readonly logger: FluxGateLogger;
  private compiled: CompiledFlagSet | undefined;
  private document_: FlagSetDocument | undefined;
  private status_: ClientStatus = "NOT_READY";
  private confirmed = false;
  private started: Promise<void> | undefined;
  private staleTimer: ReturnType<typeof setTimeout> | undefined;
  private saving: Promise<void> = Promise.resolve();
  private terminalError: FluxGateError | undefined;

  constructor(private readonly options: LocalClientOptions) {
    if (!options.baseUrl || !options.credential) throw new FluxGateError("CONFIGURATION", "baseUrl and credential are required");
    this.logger = options.logger ?? silentLogger;
    this.events = new Emitter((error) => this.logger.error("fluxgate: a listener threw", error));
    if (options.bootstrap !== undefined) {
      if (!isFlagSetDocument(options.bootstrap)) throw new FluxGateError("CONFIGURATION", "bootstrap is not a FlagSetDocument");
      this.hold(options.bootstrap);
    }
    this.stream = new StreamClient(options, this.document_);
    this.counter = options.evaluationCounts === false
      ? undefined
      : new EvaluationCounter(httpCountSender(options.baseUrl, options.credential, options.fetch), options.evaluationCounts, this.logger);
    this.stream.events.on("update", ({ document, flagsChanged }) => {
      const first = this.document_ === undefined;
      this.hold(document);
      this.persist(document);
      if (!first && flagsChanged.length > 0) this.events.emit("changed", { version: document.version, flagsChanged });
    });
    this.stream.events.on("confirmed", () => this.onConfirmed());
    this.stream.events.on("disconnected", ({ code, reason }) => {
      this.confirmed = false;
      this.markStale(`connection lost (${code}${reason ? ` ${reason}` : ""})`);
    });
    this.stream.events.on("terminal", (error) => {
      this.terminalError = error;
      this.status_ = "ERROR";
      this.events.emit("error", error);
    });
  }

  /** NOT_READY until a snapshot is held; READY; STALE while unconfirmed; ERROR after a terminal failure. */
  get status(): ClientStatus {
    return this.status_;
  }

  /** The snapshot being served (undefined before the first one). */
  get document(): FlagSetDocument | undefined {
    return this.document_;
  }

  /** Version of the snapshot being served. */
  get version(): number | undefined {
    return this.document_?.version;
  }

  /** Upload statistics of the evaluation counts (undefined when counting is off). */
  get countStats(): EvaluationCountStats | undefined {
    return this.counter?.stats;
  }

  /**
   * Loads storage (unless bootstrapped), opens the stream, and resolves once a snapshot is held:
   * at once with a bootstrap or stored snapshot, else when the first snapshot arrives. Rejects with
   * a FluxGateError on a terminal failure or after `initialLoadTimeoutMs` without any snapshot (the
   * client keeps trying in the background and emits `ready` when one arrives). Idempotent.
   */
  start(): Promise<void> {
    this.started ??= this.run();
    return this.started;
  }

  private async run(): Promise<void> {
    if (!this.document_ && this.options.storage) {
      try {
        const stored = await this.options.storage.load();
        if (stored && !this.document_ && isFlagSetDocument(stored)) {
          this.hold(stored);
          this.stream.resumeFrom(stored);
        }
      } catch (error) {
        this.logger.warn("fluxgate: could not load the stored snapshot", error);
      }
    }
    this.stream.start();
    if (this.document_) {
      // Serving a bootstrap/stored snapshot: ready now, stale if the server never confirms it.
      if (this.status_ === "NOT_READY") this.status_ = "READY";
      this.staleTimer = setTimeout(() => {
        if (!this.confirmed) this.markStale("snapshot not confirmed by the server");
      }, this.options.staleAfterMs ?? 30_000);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const timeoutMs = this.options.initialLoadTimeoutMs ?? 10_000;
      const timer = setTimeout(() => {
        done();
        reject(new FluxGateError("INITIAL_LOAD_FAILED", `no snapshot within ${timeoutMs} ms`));
      }, timeoutMs);
      const offReady = this.events.on("ready", () => {
        done();
        resolve();
      });
      const offError = this.events.on("error", (error) => {
        done();
        reject(error);
      });
      const done = () => {
        clearTimeout(timer);
        offReady();
        offError();
      };
      if (this.terminalError) {
        done();
        reject(this.terminalError);
      }
    });
  }

  /**
   * Evaluates one flag locally. Never throws: an unknown flag or a bad context is an ERROR
   * result (errorCode FLAG_NOT_FOUND, INVALID_CONTEXT, ...), as is evaluating before any snapshot.
   * The result is shared and frozen: read it, do not modify it.
   */
  evaluate(key: string, context: EvaluationContext = {}): EvaluationResult {
    const compiled = this.compiled;
    if (!compiled) return NOT_READY_RESULT(key);
    const result = evaluateFlag(compiled, key, context);
    if (this.counter && result.errorCode !== "FLAG_NOT_FOUND") this.counter.recordResult(result);
    return result;
  }

  /** Evaluates every flag of the snapshot for one context (empty before any snapshot). */
  evaluateAll(context: EvaluationContext = {}): EvaluationResult[] {
    const compiled = this.compiled;
    if (!compiled) return [];
    const results = evaluateAll(compiled, context);
    if (this.counter) for (const r of results) this.counter.recordResult(r);
    return results;
  }

  /** Uploads the evaluation counts gathered so far. Never rejects. */
  async flush(): Promise<void> {
    await this.counter?.flush();
  }

  /** Closes the stream, uploads pending counts, and waits for a pending storage write. */
  async close(): Promise<void> {
    clearTimeout(this.staleTimer);
    this.stream.stop();
    await this.counter?.close();
    await this.saving;
    this.events.clear();
  }

  private hold(document: FlagSetDocument): void {
    // Compile once per version: evaluations then only read the compiled set.
    this.compiled = compileFlagSet(document);
    this.document_ = document;
  }

  private persist(document: FlagSetDocument): void {
    const storage = this.options.storage;
    if (!storage) return;
    this.saving = this.saving
      .then(() => storage.save(document))
      .catch((error: unknown) => this.logger.warn("fluxgate: could not save the snapshot", error));
  }

  private onConfirmed(): void {
    this.confirmed = true;
    clearTimeout(this.staleTimer);
    if (this.status_ === "READY" && this.document_ && this.readyAnnounced) return;
    this.status_ = "READY";
    this.readyAnnounced = true;
    this.events.emit("ready", { version: this.document_!.version });
  }

  private readyAnnounced = false;

  private markStale(reason: string): void {
    if (this.status_ === "ERROR" || !this.document_) return;
    if (this.status_ === "STALE") return;
    this.status_ = "STALE";
    this.events.emit("stale", { version: this.document_.version, reason });
  }
}
