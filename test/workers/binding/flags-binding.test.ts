// An app's Worker (test/fixtures/flags-app, a second Worker in workerd) evaluates FluxGate flags
// through a real service binding to the FlagsEntrypoint RPC entrypoint, with the SDK's OpenFeature
// server provider in binding mode: same answers as OFREP, authorised by the app's client secret.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "../support/seed-demo";

beforeAll(async () => {
  await seedDemo(env);
});

const app = async (path: string, query: Record<string, unknown> = {}) => {
  const url = new URL(`http://app.test${path}`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, typeof value === "string" ? value : JSON.stringify(value));
  const response = await (env as unknown as { FLAGS_APP: Fetcher }).FLAGS_APP.fetch(url);
  expect(response.status).toBe(200);
  return response.json() as Promise<any>;
};

describe("the FLAGS service binding (FlagsEntrypoint)", () => {
  it("serves the OpenFeature server provider in binding mode, READY, with OFREP's values and metadata", async () => {
    const admin = await app("/flag", { flag: "BetaUsers", context: { targetingKey: "user-42", role: "admin" } });
    expect(admin).toEqual({
      status: "READY",
      details: {
        flagKey: "BetaUsers", value: true, variant: "on", reason: "TARGETING_MATCH",
        flagMetadata: { flagSetVersion: 1, environment: "development", ruleId: "00000000-0000-4000-8000-000000007111", rulePriority: 10 },
      },
    });
    const layout = await app("/flag", { flag: "homepage_layout", type: "object", context: { targetingKey: "user-7" } });
    expect(layout.details).toMatchObject({ value: { hero: "banner", columns: 2 }, variant: "classic", reason: "DEFAULT" });
    const missing = await app("/flag", { flag: "no_such_flag", context: { targetingKey: "u" } });
    expect(missing.details).toMatchObject({ value: false, reason: "ERROR", errorCode: "FLAG_NOT_FOUND" });
  });

  it("answers a bulk evaluation in OFREP's shape (the set's version at the top)", async () => {
    const bulk = await app("/raw-bulk", { context: { targetingKey: "user-42", role: "admin", plan: "pro" } });
    expect(bulk.metadata).toEqual({ flagSetVersion: 1, environment: "development" });
    expect(bulk.flags.map((f: { key: string }) => f.key).sort()).toEqual([
      "BetaUsers", "checkout_button_text", "dark_mode", "homepage_layout", "legacy_search", "max_upload_mb", "new_checkout_flow",
    ]);
    expect(bulk.flags.find((f: { key: string }) => f.key === "max_upload_mb")).toEqual({
      key: "max_upload_mb", value: 100, reason: "TARGETING_MATCH", variant: "pro",
      metadata: { environment: "development", ruleId: "00000000-0000-4000-8000-000000007311", rulePriority: 10 },
    });
  });

  it("refuses an unknown secret: the provider goes FATAL with the reason", async () => {
    expect(await app("/refused", { secret: "fg_not_a_client" })).toEqual({
      status: "FATAL",
      error: "CREDENTIAL_REJECTED: UNAUTHORIZED: unknown client credential",
    });
  });
});
