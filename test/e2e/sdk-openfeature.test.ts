// The SDK's OpenFeature providers through the real OpenFeature SDKs against `npm run dev`: the
// server provider (@openfeature/server-sdk) and the web provider (@openfeature/web-sdk), each in
// local and remote mode; READY, CONFIGURATION_CHANGED with the changed flag, ERROR for a refused
// credential, and bootstrap serving before the stream answers.
import { OpenFeature as ServerOpenFeature, ProviderEvents as ServerEvents, type EventDetails as ServerEventDetails } from "@openfeature/server-sdk";
import { OpenFeature as WebOpenFeature, ProviderEvents as WebEvents, ProviderStatus, type EventDetails as WebEventDetails } from "@openfeature/web-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FluxGateServerProvider, flagsChangedOf } from "../../sdk/src/openfeature/server-provider";
import { FluxGateWebProvider } from "../../sdk/src/openfeature/web-provider";
import { expectedVariant } from "./support/bucketing-oracle";
import { DEV_SERVER_SECRET, LAYOUT_CLASSIC, LAYOUT_MODERN, WEB_CLIENT_SECRET } from "./support/demo";
import { adminToken, setVariantValue, waitFor } from "./support/sdk-stack";
import { useDevStack } from "./support/use-dev-stack";

const stack = useDevStack();
const admin = { targetingKey: "user-1", role: "admin" };
const userA = Array.from({ length: 200 }, (_, i) => `user-${i}`).find((k) => expectedVariant("checkout_button_text", k) === "variant-a")!;

afterAll(async () => {
  await ServerOpenFeature.close();
  await WebOpenFeature.close();
});

describe("server provider through @openfeature/server-sdk", () => {
  let local: FluxGateServerProvider;
  const changed: ServerEventDetails[] = [];

  beforeAll(async () => {
    local = new FluxGateServerProvider({ mode: "local", baseUrl: stack.baseUrl, credential: DEV_SERVER_SECRET, evaluationCounts: false });
    local.events.addHandler(ServerEvents.ConfigurationChanged, (details) => void changed.push(details!));
    await ServerOpenFeature.setProviderAndWait("local", local);
    await ServerOpenFeature.setProviderAndWait("remote", new FluxGateServerProvider({ mode: "remote", baseUrl: stack.baseUrl, credential: DEV_SERVER_SECRET }));
  });

  for (const domain of ["local", "remote"] as const) {
    it(`${domain}: evaluates the demo flags of every type with details`, async () => {
      const client = ServerOpenFeature.getClient(domain);
      expect(await client.getBooleanDetails("BetaUsers", false, admin)).toMatchObject({ value: true, variant: "on", reason: "TARGETING_MATCH" });
      expect(await client.getBooleanDetails("BetaUsers", true, { targetingKey: "user-1" })).toMatchObject({ value: false, variant: "off", reason: "DEFAULT" });
      expect(await client.getStringDetails("checkout_button_text", "x", { targetingKey: userA })).toMatchObject({ value: "Complete purchase", variant: "variant-a", reason: "SPLIT" });
      expect(await client.getNumberDetails("max_upload_mb", 0, { targetingKey: "u", plan: "pro" })).toMatchObject({ value: 100, variant: "pro", reason: "TARGETING_MATCH" });
      expect(await client.getObjectDetails("homepage_layout", {}, { targetingKey: "user-42" })).toMatchObject({ value: LAYOUT_MODERN, variant: "modern" });
      expect(await client.getObjectDetails("homepage_layout", {}, { targetingKey: "user-1" })).toMatchObject({ value: LAYOUT_CLASSIC, variant: "classic" });
      expect(await client.getBooleanDetails("new_checkout_flow", false, admin)).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
      expect(await client.getBooleanDetails("legacy_search", true, admin)).toMatchObject({ value: false, reason: "DISABLED" });
      const missing = await client.getBooleanDetails("no_such_flag", true, admin);
      expect(missing).toMatchObject({ value: true, reason: "ERROR", errorCode: "FLAG_NOT_FOUND" });
      const wrongType = await client.getNumberDetails("BetaUsers", 7, admin);
      expect(wrongType).toMatchObject({ value: 7, reason: "ERROR", errorCode: "TYPE_MISMATCH" });
    });
  }

  it("local: emits CONFIGURATION_CHANGED with flagsChanged for a GraphQL change, and serves the new value", async () => {
    const client = ServerOpenFeature.getClient("local");
    const token = await adminToken(stack.adminUrl);
    await setVariantValue(stack.adminUrl, token, "checkout_button_text", 1, "Pay now");
    try {
      const event = await waitFor("CONFIGURATION_CHANGED", () => changed.find((e) => flagsChangedOf(e).includes("checkout_button_text")), 2_000);
      expect(flagsChangedOf(event)).toEqual(["checkout_button_text"]);
      expect(await client.getStringValue("checkout_button_text", "x", { targetingKey: userA })).toBe("Pay now");
    } finally {
      await setVariantValue(stack.adminUrl, token, "checkout_button_text", 1, "Complete purchase");
    }
    await waitFor("restored", () => local.local!.evaluate("checkout_button_text", { targetingKey: userA }).value === "Complete purchase", 2_000);
  });

  it("a refused credential ends in ERROR (PROVIDER_FATAL) in both modes", async () => {
    for (const mode of ["local", "remote"] as const) {
      const errors: ServerEventDetails[] = [];
      const provider = new FluxGateServerProvider({ mode, baseUrl: stack.baseUrl, credential: "fg_local_not_a_real_secret", evaluationCounts: false });
      const client = ServerOpenFeature.getClient(`intruder-${mode}`);
      client.addHandler(ServerEvents.Error, (details) => void errors.push(details!));
      await expect(ServerOpenFeature.setProviderAndWait(`intruder-${mode}`, provider)).rejects.toBeDefined();
      expect(client.providerStatus).toBe("FATAL");
      expect(errors[0]?.message).toContain("CREDENTIAL_REJECTED");
    }
  });
});

describe("web provider through @openfeature/web-sdk", () => {
  it("local: a bootstrap document makes the first render use real values, then the stream keeps it current", async () => {
    // Take a real snapshot first (as a server would render it into the page).
    const source = new FluxGateServerProvider({ mode: "local", baseUrl: stack.baseUrl, credential: DEV_SERVER_SECRET, evaluationCounts: false });
    await source.local!.start();
    const bootstrap = source.local!.document!;
    await source.onClose();

    const provider = new FluxGateWebProvider({ mode: "local", baseUrl: stack.baseUrl, credential: WEB_CLIENT_SECRET, bootstrap, evaluationCounts: false });
    const ready: WebEventDetails[] = [];
    WebOpenFeature.getClient("web-local").addHandler(WebEvents.Ready, (d) => void ready.push(d!));
    await WebOpenFeature.setContext("web-local", { targetingKey: "user-42", role: "admin" });
    await WebOpenFeature.setProviderAndWait("web-local", provider);
    const client = WebOpenFeature.getClient("web-local");
    expect(client.providerStatus).toBe(ProviderStatus.READY);
    expect(client.getObjectDetails("homepage_layout", {})).toMatchObject({ value: LAYOUT_MODERN, variant: "modern" });
    expect(client.getBooleanValue("BetaUsers", false)).toBe(true);
    await waitFor("stream confirmation", () => provider.local!.status === "READY" && ready.length >= 1);
    // A context change needs no round trip in local mode.
    await WebOpenFeature.setContext("web-local", { targetingKey: "user-1", plan: "pro" });
    expect(client.getNumberValue("max_upload_mb", 0)).toBe(100);
    expect(client.getObjectValue("homepage_layout", {})).toEqual(LAYOUT_CLASSIC);
  });

  it("remote: bulk OFREP for the context, refetched on a context change, and a change seen by polling", async () => {
    const provider = new FluxGateWebProvider({ mode: "remote", baseUrl: stack.baseUrl, credential: WEB_CLIENT_SECRET, pollIntervalMs: 200 });
    const changed: WebEventDetails[] = [];
    const client = WebOpenFeature.getClient("web-remote");
    client.addHandler(WebEvents.ConfigurationChanged, (d) => void changed.push(d!));
    await WebOpenFeature.setContext("web-remote", { targetingKey: userA });
    await WebOpenFeature.setProviderAndWait("web-remote", provider);
    expect(client.getStringDetails("checkout_button_text", "x")).toMatchObject({ value: "Complete purchase", variant: "variant-a", reason: "SPLIT" });
    expect(client.getBooleanValue("BetaUsers", true)).toBe(false);
    await WebOpenFeature.setContext("web-remote", { targetingKey: userA, role: "admin" });
    expect(client.getBooleanDetails("BetaUsers", false)).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
    expect(client.getBooleanValue("no_such_flag", true)).toBe(true);

    const token = await adminToken(stack.adminUrl);
    await setVariantValue(stack.adminUrl, token, "checkout_button_text", 1, "Order now");
    try {
      // Within the staleness bound (README, "How fast a change reaches evaluation") a poll may first see a version the local
      // test above had already replaced (the location relay answers from a document up to one
      // interval old): wait for the event that brings "Order now", not merely the first one.
      const event = await waitFor("CONFIGURATION_CHANGED to Order now", () =>
        client.getStringValue("checkout_button_text", "x") === "Order now" ? changed.findLast((e) => flagsChangedOf(e).includes("checkout_button_text")) : undefined, 5_000);
      expect(flagsChangedOf(event)).toEqual(["checkout_button_text"]);
    } finally {
      await setVariantValue(stack.adminUrl, token, "checkout_button_text", 1, "Complete purchase");
    }
  });
});
