// OpenFeature web provider (@openfeature/web-sdk) for FluxGate. The web SDK resolves flags
// synchronously, so both modes answer from memory: local mode evaluates the streamed snapshot for
// any context; remote mode holds the OFREP bulk answer for the current context (refetched on a
// context change, polled with If-None-Match for changes).
import {
  OpenFeatureEventEmitter, ProviderEvents, ProviderFatalError,
  type EvaluationContext, type JsonValue, type Provider, type ResolutionDetails,
} from "@openfeature/web-sdk";
import { FluxGateError } from "../errors";
import { FluxGateLocalClient, type LocalClientOptions } from "../local-client";
import { FluxGateRemoteClient, type RemoteClientOptions, type RemoteEvaluation } from "../remote-client";
import { ProviderEventBridge } from "./provider-events";
export { flagsChangedOf } from "./provider-events";
import { engineContext, toResolution } from "./resolution";

export interface WebRemoteOptions extends RemoteClientOptions {
  /** Poll the bulk evaluation for changes this often (If-None-Match). Default 30,000 ms; 0 turns polling off. */
  pollIntervalMs?: number;
}

/**
 * `mode: "local"` streams the snapshot (a web client secret; credential sent as a WebSocket
 * subprotocol) and evaluates in the page; `mode: "remote"` uses OFREP bulk evaluation.
 */
export type FluxGateWebProviderOptions =
  | ({ mode: "local" } & LocalClientOptions)
  | ({ mode: "remote" } & WebRemoteOptions);

/**
 * FluxGate for the OpenFeature web SDK. Events as {@link FluxGateServerProvider}; in remote mode
 * CONFIGURATION_CHANGED lists the flags whose value, variant or reason changed for the current
 * context, and STALE means a poll failed (the last answer keeps serving).
 *
 * @example
 * ```ts
 * await OpenFeature.setProviderAndWait(new FluxGateWebProvider({ mode: "local", baseUrl, credential: webSecret, bootstrap }));
 * const layout = OpenFeature.getClient().getObjectValue("homepage_layout", {});
 * ```
 */
export class FluxGateWebProvider implements Provider {
  readonly metadata = { name: "FluxGate" } as const;
  readonly runsOn = "client" as const;
  readonly events = new OpenFeatureEventEmitter();
  readonly local: FluxGateLocalClient | undefined;
  readonly remote: FluxGateRemoteClient | undefined;
  private readonly bridge: ProviderEventBridge | undefined;
  private readonly pollIntervalMs: number;
  private flags = new Map<string, RemoteEvaluation>();
  private etag: string | undefined;
  private context: EvaluationContext = {};
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private polling = false;
  /** Bulk requests are numbered as they start; an answer to one started before the answer held is dropped. */
  private requestsStarted = 0;
  private requestHeld = 0;
  /** Bumped by a context change: an answer for a new context is taken whatever its version. */
  private contextGeneration = 0;
  private generationHeld = 0;
  private versionHeld: number | undefined;
  /** Since when answers have named a flag-set version older than the one held (null: they have not). */
  private olderSince: number | null = null;
  private stale = false;
  private stopped = false;

  constructor(options: FluxGateWebProviderOptions) {
    if (options.mode === "local") {
      this.local = new FluxGateLocalClient(options);
      this.bridge = new ProviderEventBridge(this.local, (event, details) => this.events.emit(event as ProviderEvents.Ready, details));
      this.pollIntervalMs = 0;
    } else {
      this.remote = new FluxGateRemoteClient(options);
      this.pollIntervalMs = options.pollIntervalMs ?? 30_000;
    }
  }

  async initialize(context: EvaluationContext = {}): Promise<void> {
    try {
      if (this.local) {
        await this.local.start();
        this.bridge?.initialized(false, this.local.status === "STALE");
        return;
      }
      this.context = context;
      await this.refetch(false);
      this.startPolling();
    } catch (error) {
      this.bridge?.initialized(true, false);
      if (error instanceof FluxGateError && error.terminal) throw new ProviderFatalError(`${error.code}: ${error.message}`);
      throw error;
    }
  }

  /** Remote mode: the bulk answer depends on the context, so fetch it again (the SDK shows RECONCILING meanwhile). */
  async onContextChange(_oldContext: EvaluationContext, newContext: EvaluationContext): Promise<void> {
    if (!this.remote) return;
    this.context = newContext;
    this.contextGeneration++;
    this.etag = undefined;
    await this.refetch(false);
  }

  async onClose(): Promise<void> {
    this.stopped = true;
    clearInterval(this.pollTimer);
    await this.local?.close();
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): ResolutionDetails<boolean> {
    return this.resolve(flagKey, defaultValue, context, "boolean");
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext): ResolutionDetails<string> {
    return this.resolve(flagKey, defaultValue, context, "string");
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext): ResolutionDetails<number> {
    return this.resolve(flagKey, defaultValue, context, "number");
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext): ResolutionDetails<T> {
    return this.resolve(flagKey, defaultValue, context, "object");
  }

  private resolve<T extends boolean | string | number | JsonValue>(
    flagKey: string, defaultValue: T, context: EvaluationContext, type: "boolean" | "string" | "number" | "object",
  ): ResolutionDetails<T> {
    if (this.local) return toResolution(this.local.evaluate(flagKey, engineContext(context)), defaultValue, type);
    const held = this.flags.get(flagKey);
    if (!held) return toResolution({ errorCode: "FLAG_NOT_FOUND", errorDetails: `flag ${flagKey} not found`, metadata: {} }, defaultValue, type);
    return toResolution(held, defaultValue, type);
  }

  private startPolling(): void {
    if (this.pollIntervalMs <= 0 || this.stopped) return;
    this.pollTimer = setInterval(() => void this.poll(), this.pollIntervalMs);
  }

  private async poll(): Promise<void> {
    if (this.polling || this.stopped) return;
    this.polling = true;
    try {
      const changed = await this.refetch(true);
      if (this.stale) {
        this.stale = false;
        this.events.emit(ProviderEvents.Ready);
      }
      if (changed.length > 0) this.events.emit(ProviderEvents.ConfigurationChanged, { flagsChanged: changed });
    } catch (error) {
      if (error instanceof FluxGateError && error.terminal) {
        clearInterval(this.pollTimer);
        this.events.emit(ProviderEvents.Error, { message: `${error.code}: ${error.message}`, errorCode: "PROVIDER_FATAL" as never });
      } else if (!this.stale) {
        this.stale = true;
        this.events.emit(ProviderEvents.Stale, { message: error instanceof Error ? error.message : String(error) });
      }
    } finally {
      this.polling = false;
    }
  }

  /**
   * Fetches the bulk answer (conditionally when `conditional`); returns the keys that changed.
   * Answers only move forward: one to a request started before the answer held (a poll overtaken by
   * a context change's refetch) is dropped, and so is one naming an older flag-set version for the
   * same context (another isolate or location not yet caught up, README "How fast a change reaches
   * evaluation"), unless older answers persist for OLDER_VERSION_ACCEPTED_AFTER_MS: then the
   * environment's versions restarted and the older number is the truth.
   */
  private async refetch(conditional: boolean): Promise<string[]> {
    const request = ++this.requestsStarted;
    const generation = this.contextGeneration;
    const answer = await this.remote!.evaluateAll(this.context, conditional ? this.etag : undefined);
    if (request < this.requestHeld || generation < this.generationHeld) return [];
    if (answer.changed) {
      const version = flagSetVersionOf(answer.flags);
      if (generation === this.generationHeld && version !== undefined && this.versionHeld !== undefined && version < this.versionHeld) {
        this.olderSince ??= Date.now();
        if (Date.now() - this.olderSince < OLDER_VERSION_ACCEPTED_AFTER_MS) return [];
      }
      this.olderSince = null;
      this.versionHeld = version;
    } else {
      this.olderSince = null;
    }
    this.requestHeld = request;
    this.generationHeld = generation;
    this.etag = answer.etag;
    if (!answer.changed) return [];
    const next = new Map(answer.flags.map((flag) => [flag.key, flag]));
    const changed = [...new Set([...next.keys(), ...this.flags.keys()])]
      .filter((key) => outcome(this.flags.get(key)) !== outcome(next.get(key)))
      .sort();
    this.flags = next;
    return changed;
  }
}

/**
 * How long a remote provider ignores answers naming an older flag-set version before taking them:
 * far beyond the bound within which isolates catch up (about 2 s), short enough that an environment
 * whose versions restarted (its object lost its storage) is followed.
 */
export const OLDER_VERSION_ACCEPTED_AFTER_MS = 10_000;

const flagSetVersionOf = (flags: RemoteEvaluation[]): number | undefined => {
  const version = flags[0]?.metadata.flagSetVersion;
  return typeof version === "number" ? version : undefined;
};

/** What a user sees of an evaluation (metadata such as flagSetVersion changes with every version). */
const outcome = (flag: RemoteEvaluation | undefined) =>
  flag === undefined ? "" : JSON.stringify([flag.value, flag.variant, flag.reason, flag.errorCode]);
