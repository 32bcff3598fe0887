// The browser setup of the FluxGate web provider, platform-neutral so it runs in a page
// (browser/main.ts) and in Node for a smoke test (../web-provider.ts).
//
// - A WEB client secret (public by nature; the server restricts it to the client's origins).
// - Local mode: the snapshot streams over a WebSocket authenticated with the subprotocol list
//   ["fluxgate.v1", "fluxgate.credential.<secret>"] (browsers cannot set headers on a WebSocket).
// - bootstrap: the snapshot the server rendered into the page, so the first paint has real values.
// - storage: the last snapshot in localStorage, so a reload while offline still has flags.
import { OpenFeature, ProviderEvents, type Client } from "@openfeature/web-sdk";
import { LocalStorageSnapshotStorage, MemorySnapshotStorage, type FlagSetDocument } from "../../src/index";
import { FluxGateWebProvider, flagsChangedOf } from "../../src/openfeature/web-provider";

export interface FlagsSetup {
  baseUrl: string;
  webSecret: string;
  user: { targetingKey: string; [attribute: string]: string | number | boolean };
  bootstrap?: FlagSetDocument;
  onChange?: (flagsChanged: string[]) => void;
}

export async function setUpFlags(setup: FlagsSetup): Promise<{ client: Client; provider: FluxGateWebProvider }> {
  const hasLocalStorage = typeof (globalThis as { localStorage?: unknown }).localStorage !== "undefined";
  const provider = new FluxGateWebProvider({
    mode: "local",
    baseUrl: setup.baseUrl,
    credential: setup.webSecret,
    ...(setup.bootstrap ? { bootstrap: setup.bootstrap } : {}),
    storage: hasLocalStorage ? new LocalStorageSnapshotStorage("fluxgate:development") : new MemorySnapshotStorage(),
  });
  provider.events.addHandler(ProviderEvents.ConfigurationChanged, (details) => setup.onChange?.(flagsChangedOf(details)));
  await OpenFeature.setContext(setup.user);
  await OpenFeature.setProviderAndWait(provider);
  return { client: OpenFeature.getClient(), provider };
}

/** What the page renders from the flags (synchronous: the web SDK evaluates from memory). */
export function render(client: Client): Record<string, unknown> {
  return {
    betaBanner: client.getBooleanValue("BetaUsers", false),
    checkoutLabel: client.getStringValue("checkout_button_text", "Buy"),
    uploadLimitMb: client.getNumberValue("max_upload_mb", 5),
    layout: client.getObjectValue("homepage_layout", { hero: "banner", columns: 2 }),
    darkMode: client.getBooleanValue("dark_mode", false),
  };
}
