// Local client events -> OpenFeature provider events, shared by both providers. READY after
// initialize() is the OpenFeature SDK's own; the provider emits READY again only on recovery
// (after STALE or ERROR). Events during initialize() are left to initialize()'s outcome.
import type { FluxGateLocalClient } from "../local-client";

/** The provider events the SDKs understand (string values shared by server and web SDKs). */
export type EmitProviderEvent = (
  event: "PROVIDER_READY" | "PROVIDER_STALE" | "PROVIDER_ERROR" | "PROVIDER_CONFIGURATION_CHANGED",
  details?: { message?: string; flagsChanged?: string[]; errorCode?: string },
) => void;

export class ProviderEventBridge {
  private degraded = false;
  initializing = true;

  constructor(private readonly client: FluxGateLocalClient, private readonly emit: EmitProviderEvent) {
    client.events.on("changed", ({ flagsChanged }) => emit("PROVIDER_CONFIGURATION_CHANGED", { flagsChanged }));
    client.events.on("stale", ({ reason }) => {
      if (this.initializing) return;
      this.degraded = true;
      emit("PROVIDER_STALE", { message: reason });
    });
    client.events.on("ready", () => {
      if (this.initializing || !this.degraded) return;
      this.degraded = false;
      emit("PROVIDER_READY");
    });
    client.events.on("error", (error) => {
      if (this.initializing) return;
      this.degraded = true;
      emit("PROVIDER_ERROR", { message: `${error.code}: ${error.message}`, errorCode: "PROVIDER_FATAL" });
    });
  }

  /** initialize() finished; `failed` when it rejected (a later snapshot then emits READY). */
  initialized(failed: boolean, stale: boolean): void {
    this.initializing = false;
    this.degraded = failed || stale;
    // Already STALE when initialize resolved (a bootstrap or stored snapshot while the connection
    // failed): say so right after the SDK's own READY.
    if (stale && !failed) {
      setTimeout(() => {
        if (this.client.status === "STALE") this.emit("PROVIDER_STALE", { message: "serving a snapshot the server has not confirmed" });
      }, 0);
    }
  }
}

/**
 * The flag keys a CONFIGURATION_CHANGED event carries. (The OpenFeature SDKs type handler details
 * as a union over all events, so `details.flagsChanged` does not typecheck in a handler.)
 */
export function flagsChangedOf(details: object | undefined): string[] {
  const flags = (details as { flagsChanged?: unknown } | undefined)?.flagsChanged;
  return Array.isArray(flags) ? flags.filter((f): f is string => typeof f === "string") : [];
}
