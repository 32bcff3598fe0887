// The official OpenFeature server SDK with the OFREP provider, pointed at the real local stack,
// evaluates every demo flag with exactly the values the demo configuration defines. Every response
// the provider received is validated against the OFREP OpenAPI schemas.
import { OFREPProvider } from "@openfeature/ofrep-provider";
import { OpenFeature, type Client } from "@openfeature/server-sdk";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectedVariant } from "./support/bucketing-oracle";
import { bearer, CHECKOUT_TEXTS, DEV_SERVER_SECRET, LAYOUT_CLASSIC, LAYOUT_MODERN } from "./support/demo";
import { assertOfrepConformant } from "./support/ofrep-schema";
import { recordingFetch } from "./support/recording-fetch";
import { useDevStack } from "./support/use-dev-stack";

const stack = useDevStack();
const recorder = recordingFetch();
let validated = 0;
let client: Client;
let intruder: Client;
const intruderErrors: unknown[] = [];

beforeAll(async () => {
  const provider = new OFREPProvider({
    baseUrl: stack.baseUrl,
    headers: [bearer(DEV_SERVER_SECRET)],
    fetchImplementation: recorder.fetch,
  });
  await OpenFeature.setProviderAndWait("fluxgate", provider);
  client = OpenFeature.getClient("fluxgate");

  const wrongSecret = new OFREPProvider({
    baseUrl: stack.baseUrl,
    headers: [bearer("fg_local_not_a_real_secret")],
    fetchImplementation: recorder.fetch,
  });
  await OpenFeature.setProviderAndWait("intruder", wrongSecret);
  intruder = OpenFeature.getClient("intruder");
  intruder.addHooks({ error: (_hookContext, error) => void intruderErrors.push(error) });
});

afterAll(async () => {
  await OpenFeature.close();
});

// Every body the provider saw must conform to the spec, whatever the test asserted about it.
afterEach(() => {
  for (const exchange of recorder.exchanges.splice(0)) {
    assertOfrepConformant(exchange);
    validated += 1;
  }
});

const admin = { targetingKey: "user-1", role: "admin" };
const member = { targetingKey: "user-1", role: "user" };

describe("OpenFeature server SDK + OFREP provider against the dev stack", () => {
  it("BetaUsers is on for admins by targeting and off by default for everyone else", async () => {
    const on = await client.getBooleanDetails("BetaUsers", false, admin);
    expect(on).toMatchObject({ value: true, reason: "TARGETING_MATCH", variant: "on" });
    expect(on.errorCode).toBeUndefined();
    expect(typeof on.flagMetadata["flagSetVersion"]).toBe("number");

    const off = await client.getBooleanDetails("BetaUsers", true, member);
    expect(off).toMatchObject({ value: false, reason: "DEFAULT", variant: "off" });
    expect(off.errorCode).toBeUndefined();
  });

  it("checkout_button_text splits users 50/50 exactly as the bucketing contract assigns them", async () => {
    const counts: Record<string, number> = { control: 0, "variant-a": 0 };
    for (let i = 0; i < 200; i++) {
      const targetingKey = `user-${i}`;
      const details = await client.getStringDetails("checkout_button_text", "code default", { targetingKey });
      const variant = expectedVariant("checkout_button_text", targetingKey) as keyof typeof CHECKOUT_TEXTS;
      expect(details, targetingKey).toMatchObject({ value: CHECKOUT_TEXTS[variant], variant, reason: "SPLIT" });
      counts[variant]! += 1;
    }
    // Both variants occur, in roughly equal shares (the oracle gives 100/100 for these keys).
    expect(counts["control"]).toBeGreaterThanOrEqual(70);
    expect(counts["variant-a"]).toBeGreaterThanOrEqual(70);

    const again = await client.getStringDetails("checkout_button_text", "code default", { targetingKey: "user-7" });
    const first = await client.getStringDetails("checkout_button_text", "code default", { targetingKey: "user-7" });
    expect(again.value).toBe(first.value);
  });

  it("dark_mode rolls out to the 25% of users whose bucket is below 25000", async () => {
    let on = 0;
    for (let i = 0; i < 200; i++) {
      const targetingKey = `user-${i}`;
      const details = await client.getBooleanDetails("dark_mode", false, { targetingKey });
      if (expectedVariant("dark_mode", targetingKey) === "on") {
        expect(details, targetingKey).toMatchObject({ value: true, variant: "on", reason: "SPLIT" });
        on += 1;
      } else {
        expect(details, targetingKey).toMatchObject({ value: false, variant: "off", reason: "DEFAULT" });
      }
    }
    expect(on).toBeGreaterThan(25);
    expect(on).toBeLessThan(75);
  });

  it("max_upload_mb is 100 for the pro plan and 10 otherwise", async () => {
    expect(await client.getNumberDetails("max_upload_mb", 0, { targetingKey: "acct-1", plan: "pro" }))
      .toMatchObject({ value: 100, variant: "pro", reason: "TARGETING_MATCH" });
    expect(await client.getNumberDetails("max_upload_mb", 0, { targetingKey: "acct-1", plan: "free" }))
      .toMatchObject({ value: 10, variant: "standard", reason: "DEFAULT" });
    expect(await client.getNumberDetails("max_upload_mb", 0, { targetingKey: "acct-1" }))
      .toMatchObject({ value: 10, variant: "standard", reason: "DEFAULT" });
  });

  it("homepage_layout is modern for beta_testers members (included key or matching email) and classic otherwise", async () => {
    expect(await client.getObjectDetails("homepage_layout", {}, { targetingKey: "user-42" }))
      .toMatchObject({ value: LAYOUT_MODERN, variant: "modern", reason: "TARGETING_MATCH" });
    expect(await client.getObjectDetails("homepage_layout", {}, { targetingKey: "user-9", email: "ana@acme.test" }))
      .toMatchObject({ value: LAYOUT_MODERN, variant: "modern", reason: "TARGETING_MATCH" });
    expect(await client.getObjectDetails("homepage_layout", {}, { targetingKey: "user-9", email: "ana@example.com" }))
      .toMatchObject({ value: LAYOUT_CLASSIC, variant: "classic", reason: "DEFAULT" });
  });

  it("new_checkout_flow is on for admins and DISABLED by its BetaUsers prerequisite for everyone else", async () => {
    expect(await client.getBooleanDetails("new_checkout_flow", false, admin))
      .toMatchObject({ value: true, variant: "on", reason: "TARGETING_MATCH" });
    const blocked = await client.getBooleanDetails("new_checkout_flow", true, member);
    expect(blocked).toMatchObject({ value: false, reason: "DISABLED" });
    expect(blocked.errorCode).toBeUndefined();
    expect(blocked.flagMetadata["failedPrerequisite"]).toBe("BetaUsers");
  });

  it("legacy_search is killed: false with reason DISABLED", async () => {
    const details = await client.getBooleanDetails("legacy_search", true, admin);
    expect(details).toMatchObject({ value: false, reason: "DISABLED" });
    expect(details.errorCode).toBeUndefined();
  });

  it("an unknown flag yields the caller's default with FLAG_NOT_FOUND", async () => {
    const details = await client.getStringDetails("no_such_flag", "fallback", admin);
    expect(details).toMatchObject({ value: "fallback", reason: "ERROR", errorCode: "FLAG_NOT_FOUND" });
    expect(recorder.exchanges.at(-1)?.status).toBe(404);
  });

  it("a wrong secret is answered 401 and surfaces as an error with the caller's default", async () => {
    const details = await intruder.getBooleanDetails("BetaUsers", false, admin);
    expect(details).toMatchObject({ value: false, reason: "ERROR", errorCode: "GENERAL" });
    // The provider throws OFREPApiUnauthorizedError (no message), which the SDK maps to GENERAL.
    expect(intruderErrors.map((e) => (e as Error).name)).toEqual(["OFREPApiUnauthorizedError"]);
    expect(recorder.exchanges.at(-1)?.status).toBe(401);
  });

  it("validated every response the provider received", () => {
    // The afterEach hook ran after each test above; this guards against it silently seeing nothing.
    expect(validated).toBeGreaterThan(400);
  });
});
