// OpenFeature server provider (@openfeature/server-sdk) for FluxGate, in local mode (snapshot over
// the stream, in-process evaluation) or remote mode (one OFREP call per evaluation).
import {
  OpenFeatureEventEmitter, ProviderEvents, ProviderFatalError,
  type EvaluationContext, type JsonValue, type Provider, type ResolutionDetails,
} from "@openfeature/server-sdk";
import { FluxGateBindingClient, type BindingClientOptions } from "../binding-client";
import { FluxGateError } from "../errors";
import { FluxGateLocalClient, type LocalClientOptions } from "../local-client";
import { FluxGateRemoteClient, type RemoteClientOptions } from "../remote-client";
import { ProviderEventBridge } from "./provider-events";
export { flagsChangedOf } from "./provider-events";
export type { BindingClientOptions, FluxGateBinding } from "../binding-client";
import { engineContext, failedResolution, toResolution } from "./resolution";

/**
 * `mode: "local"` evaluates in-process from the streamed snapshot; `mode: "remote"` calls OFREP per
 * evaluation; `mode: "binding"` (an app on Cloudflare Workers) calls FluxGate's RPC entrypoint
 * through a service binding, e.g. `{ mode: "binding", binding: env.FLAGS, credential: env.FLUXGATE_SECRET }`.
 */
export type FluxGateServerProviderOptions =
  | ({ mode: "local" } & LocalClientOptions)
  | ({ mode: "remote" } & RemoteClientOptions)
  | ({ mode: "binding" } & BindingClientOptions);

/**
 * FluxGate for the OpenFeature server SDK.
 *
 * Events: READY (after initialize, and again after recovering), CONFIGURATION_CHANGED with
 * `flagsChanged` (local mode, on every new version), STALE (local mode: connection lost or the
 * snapshot unconfirmed; still serving it), ERROR (credential refused/revoked, environment deleted,
 * or no snapshot at all within the initial-load timeout).
 *
 * @example
 * ```ts
 * await OpenFeature.setProviderAndWait(new FluxGateServerProvider({ mode: "local", baseUrl, credential }));
 * const enabled = await OpenFeature.getClient().getBooleanValue("dark_mode", false, { targetingKey: "user-1" });
 * ```
 */
export class FluxGateServerProvider implements Provider {
  readonly metadata = { name: "FluxGate" } as const;
  readonly runsOn = "server" as const;
  readonly events = new OpenFeatureEventEmitter();
  /** The local client (local mode): direct API, status, counts. */
  readonly local: FluxGateLocalClient | undefined;
  /** The OFREP client (remote mode) or the service-binding client (binding mode). */
  readonly remote: FluxGateRemoteClient | FluxGateBindingClient | undefined;
  private readonly bridge: ProviderEventBridge | undefined;

  constructor(options: FluxGateServerProviderOptions) {
    if (options.mode === "local") {
      this.local = new FluxGateLocalClient(options);
      this.bridge = new ProviderEventBridge(this.local, (event, details) => this.events.emit(event as ProviderEvents, details));
    } else if (options.mode === "binding") {
      this.remote = new FluxGateBindingClient(options);
    } else {
      this.remote = new FluxGateRemoteClient(options);
    }
  }

  async initialize(): Promise<void> {
    try {
      if (this.local) await this.local.start();
      // Remote: one bulk call proves the credential and the route before READY.
      else await this.remote!.evaluateAll({});
      this.bridge?.initialized(false, this.local?.status === "STALE");
    } catch (error) {
      this.bridge?.initialized(true, false);
      if (error instanceof FluxGateError && error.terminal) throw new ProviderFatalError(`${error.code}: ${error.message}`);
      throw error;
    }
  }

  async onClose(): Promise<void> {
    await this.local?.close();
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext): Promise<ResolutionDetails<boolean>> {
    return this.resolve(flagKey, defaultValue, context, "boolean");
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext): Promise<ResolutionDetails<string>> {
    return this.resolve(flagKey, defaultValue, context, "string");
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext): Promise<ResolutionDetails<number>> {
    return this.resolve(flagKey, defaultValue, context, "number");
  }

  resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext): Promise<ResolutionDetails<T>> {
    return this.resolve(flagKey, defaultValue, context, "object");
  }

  private async resolve<T extends boolean | string | number | JsonValue>(
    flagKey: string, defaultValue: T, context: EvaluationContext, type: "boolean" | "string" | "number" | "object",
  ): Promise<ResolutionDetails<T>> {
    if (this.local) return toResolution(this.local.evaluate(flagKey, engineContext(context)), defaultValue, type);
    try {
      return toResolution(await this.remote!.evaluate(flagKey, engineContext(context)), defaultValue, type);
    } catch (error) {
      return failedResolution(error, defaultValue);
    }
  }
}
