// The official OpenFeature web SDK with the OFREP web provider (bulk evaluation, local cache,
// polling with If-None-Match), run in Node against the real local stack.
import { OFREPWebProvider } from "@openfeature/ofrep-web-provider";
import { OpenFeature, ProviderEvents, ProviderStatus, type Client, type EventDetails } from "@openfeature/web-sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectedVariant } from "./support/bucketing-oracle";
import { bearer, CHECKOUT_TEXTS, DEMO_FLAG_KEYS, LAYOUT_CLASSIC, LAYOUT_MODERN, WEB_CLIENT_SECRET } from "./support/demo";
import { assertOfrepConformant } from "./support/ofrep-schema";
import { recordingFetch, type RecordedExchange } from "./support/recording-fetch";
import { adminToken, setVariantValue } from "./support/sdk-stack";
import { useDevStack } from "./support/use-dev-stack";

const POLL_MS = 300;
const stack = useDevStack();
const recorder = recordingFetch();
const seen: RecordedExchange[] = [];
let client: Client;

const adminContext = { targetingKey: "user-42", role: "admin", plan: "pro" };

beforeAll(async () => {
  // Node sends no Origin header: the web client credential is used exactly as a browser-less app would.
  const provider = new OFREPWebProvider({
    baseUrl: stack.baseUrl,
    headers: [bearer(WEB_CLIENT_SECRET)],
    fetchImplementation: recorder.fetch,
    pollInterval: POLL_MS,
    changeDetection: "polling",
    cacheMode: "disabled",
  });
  await OpenFeature.setContext(adminContext);
  await OpenFeature.setProviderAndWait(provider);
  client = OpenFeature.getClient();
});

afterAll(async () => {
  await OpenFeature.close();
  validateAll();
});

afterEach(validateAll);

/** Every bulk response the provider saw must conform to the spec (304s included: no body). */
function validateAll(): void {
  for (const exchange of recorder.exchanges.splice(0)) {
    assertOfrepConformant(exchange);
    seen.push(exchange);
  }
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const bulkExchanges = () => [...seen, ...recorder.exchanges].filter((e) => e.url.pathname === "/ofrep/v1/evaluate/flags");

describe("OpenFeature web SDK + OFREP web provider against the dev stack", () => {
  it("is READY after one bulk evaluation that returned every demo flag", () => {
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    const first = bulkExchanges()[0];
    expect(first?.status).toBe(200);
    expect(first?.requestHeaders.get("origin")).toBeNull();
    const keys = (first?.responseJson as { flags: { key: string }[] }).flags.map((f) => f.key).sort();
    expect(keys).toEqual([...DEMO_FLAG_KEYS].sort());
  });

  it("reads the demo flags for the admin context with exact values", () => {
    expect(client.getBooleanDetails("BetaUsers", false)).toMatchObject({ value: true, variant: "on", reason: "TARGETING_MATCH" });
    expect(client.getNumberDetails("max_upload_mb", 0)).toMatchObject({ value: 100, variant: "pro", reason: "TARGETING_MATCH" });
    expect(client.getObjectDetails("homepage_layout", {})).toMatchObject({ value: LAYOUT_MODERN, variant: "modern", reason: "TARGETING_MATCH" });
    expect(client.getBooleanDetails("new_checkout_flow", false)).toMatchObject({ value: true, variant: "on", reason: "TARGETING_MATCH" });
    expect(client.getBooleanDetails("legacy_search", true)).toMatchObject({ value: false, reason: "DISABLED" });

    const variant = expectedVariant("checkout_button_text", adminContext.targetingKey) as keyof typeof CHECKOUT_TEXTS;
    expect(client.getStringDetails("checkout_button_text", "code default")).toMatchObject({ value: CHECKOUT_TEXTS[variant], variant, reason: "SPLIT" });

    const darkOn = expectedVariant("dark_mode", adminContext.targetingKey) === "on";
    expect(client.getBooleanDetails("dark_mode", !darkOn)).toMatchObject(
      darkOn ? { value: true, variant: "on", reason: "SPLIT" } : { value: false, variant: "off", reason: "DEFAULT" },
    );

    expect(client.getStringDetails("no_such_flag", "fallback")).toMatchObject({ value: "fallback", errorCode: "FLAG_NOT_FOUND" });
  });

  it("polls with If-None-Match and the server answers 304 while nothing changed", async () => {
    const etag = bulkExchanges()[0]?.responseHeaders.get("etag");
    expect(etag).toBeTruthy();
    const notModified = await waitFor("a conditional poll answered 304", () => {
      validateAll();
      return bulkExchanges().find((e) => e.requestHeaders.get("if-none-match") === etag && e.status === 304);
    });
    expect(notModified.responseText).toBe("");
    // The 304 left the cached evaluations in place.
    expect(client.getBooleanDetails("BetaUsers", false).value).toBe(true);
  });

  it("re-fetches on a context change, even when only an attribute changed, and serves the new values", async () => {
    const before = bulkExchanges().length;
    // Same targetingKey: the provider keeps sending the old ETag, so the server must not answer 304
    // for a different context (its ETag covers the evaluated body, not just the config version).
    await OpenFeature.setContext({ targetingKey: "user-42", role: "user", plan: "free" });
    validateAll();
    const refetch = bulkExchanges().slice(before).find((e) => JSON.parse(e.requestBody).context.role === "user");
    expect(refetch?.status).toBe(200);
    expect(client.getBooleanDetails("BetaUsers", true)).toMatchObject({ value: false, variant: "off", reason: "DEFAULT" });
    expect(client.getNumberDetails("max_upload_mb", 0)).toMatchObject({ value: 10, variant: "standard", reason: "DEFAULT" });
    expect(client.getBooleanDetails("new_checkout_flow", true)).toMatchObject({ value: false, reason: "DISABLED" });
    // user-42 is listed in beta_testers whatever its attributes.
    expect(client.getObjectDetails("homepage_layout", {})).toMatchObject({ value: LAYOUT_MODERN, reason: "TARGETING_MATCH" });

    await OpenFeature.setContext({ targetingKey: "user-7", email: "bo@example.com" });
    expect(client.getObjectDetails("homepage_layout", {})).toMatchObject({ value: LAYOUT_CLASSIC, variant: "classic", reason: "DEFAULT" });
  });
});

describe("the stock OFREP web provider's change events", () => {
  it("name only the flag that changed (per-flag metadata does not carry the set's version)", async () => {
    await OpenFeature.setContext({ targetingKey: "user-7", email: "bo@example.com" });
    const changes: EventDetails[] = [];
    const handler = (details?: EventDetails) => void changes.push(details!);
    client.addHandler(ProviderEvents.ConfigurationChanged, handler);
    try {
      const changed = { hero: "carousel", columns: 4 };
      // classic is homepage_layout's first variant (position 0), what user-7 is served.
      await setVariantValue(stack.adminUrl, await adminToken(stack.adminUrl), "homepage_layout", 0, changed);
      await waitFor("homepage_layout to change", () => (client.getObjectValue("homepage_layout", {}) as { hero?: string }).hero === "carousel" || undefined);
      expect(changes.map((details) => details.flagsChanged)).toEqual([["homepage_layout"]]);
    } finally {
      client.removeHandler(ProviderEvents.ConfigurationChanged, handler);
    }
  });
});
