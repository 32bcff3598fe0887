// OFREP bulk evaluation (POST /ofrep/v1/evaluate/flags): every flag of the client's environment,
// per-flag failures inside a 200, an ETag over the exact body and 304 on a matching If-None-Match.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../protocol/secret-hash";
import { seedDemo } from "./support/seed-demo";
import { call, SINGLE } from "./api-support";

beforeAll(async () => {
  await seedDemo(env);
});

const admin = { context: { targetingKey: "user-42", role: "admin", plan: "pro" } };

describe("OFREP bulk evaluation", () => {
  it("evaluates every demo flag for the context, with flag-set metadata", async () => {
    const res = await call(SINGLE, { body: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    const byKey = Object.fromEntries(res.json.flags.map((f: { key: string }) => [f.key, f]));
    expect(Object.keys(byKey).sort()).toEqual([
      "BetaUsers", "checkout_button_text", "dark_mode", "homepage_layout", "legacy_search", "max_upload_mb",
      "new_checkout_flow",
    ]);
    expect(byKey.BetaUsers).toMatchObject({ value: true, reason: "TARGETING_MATCH", variant: "on" });
    expect(byKey.max_upload_mb).toMatchObject({ value: 100, variant: "pro" });
    expect(byKey.homepage_layout).toMatchObject({ value: { hero: "video", columns: 3 }, variant: "modern" });
    expect(byKey.new_checkout_flow).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
    expect(byKey.legacy_search).toMatchObject({ value: false, reason: "DISABLED" });
    expect(res.json.metadata).toEqual({ flagSetVersion: 1, environment: "development" });
  });

  it("keeps each flag's metadata content-derived: the set's version only at the top", async () => {
    const res = await call(SINGLE, { body: admin });
    const byKey = Object.fromEntries(res.json.flags.map((f: { key: string; metadata: unknown }) => [f.key, f.metadata]));
    expect(byKey.BetaUsers).toEqual({
      environment: "development", ruleId: "00000000-0000-4000-8000-000000007111", rulePriority: 10,
    });
    expect(byKey.legacy_search).toEqual({ environment: "development" });
    for (const metadata of Object.values(byKey)) expect(metadata).not.toHaveProperty("flagSetVersion");
  });

  it("reports flags that need a targeting key as failures inside the 200", async () => {
    const res = await call(SINGLE, { body: { context: { role: "admin" } } });
    expect(res.status).toBe(200);
    const failures = res.json.flags.filter((f: { errorCode?: string }) => f.errorCode !== undefined);
    expect(failures.map((f: { key: string; errorCode: string }) => [f.key, f.errorCode])).toEqual([
      ["checkout_button_text", "TARGETING_KEY_MISSING"],
      ["dark_mode", "TARGETING_KEY_MISSING"],
    ]);
    for (const failure of failures) {
      expect(failure).not.toHaveProperty("value");
      expect(typeof failure.errorDetails).toBe("string");
    }
  });

  it("tags the body with a quoted ETag that is the SHA-256 (first 128 bits) of the exact body", async () => {
    const res = await call(SINGLE, { body: admin });
    expect(res.headers.get("ETag")).toBe(`"${(await sha256Hex(res.text)).slice(0, 32)}"`);
  });

  it("answers 304 without a body when If-None-Match names the current ETag (strong, weak or in a list)", async () => {
    const etag = (await call(SINGLE, { body: admin })).headers.get("ETag")!;
    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const res = await call(SINGLE, { body: admin, headers: { "If-None-Match": ifNoneMatch } });
      expect(res.status).toBe(304);
      expect(res.text).toBe("");
      expect(res.headers.get("ETag")).toBe(etag);
    }
  });

  it("answers 200 with a new ETag when the context changes the flags", async () => {
    const etag = (await call(SINGLE, { body: admin })).headers.get("ETag")!;
    const res = await call(SINGLE, {
      body: { context: { targetingKey: "user-42", role: "viewer" } }, headers: { "If-None-Match": etag },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("ETag")).not.toBe(etag);
  });

  it("never answers 304 to If-None-Match: *", async () => {
    expect((await call(SINGLE, { body: admin, headers: { "If-None-Match": "*" } })).status).toBe(200);
  });

  it("answers a whole-request problem with 400 and no key (bulkEvaluationFailure)", async () => {
    const malformed = await call(SINGLE, { raw: "{nope" });
    expect(malformed.status).toBe(400);
    expect(malformed.json).toEqual({ errorCode: "PARSE_ERROR", errorDetails: expect.any(String) });
    const badContext = await call(SINGLE, { body: { context: [1] } });
    expect(badContext.status).toBe(400);
    expect(badContext.json).toEqual({ errorCode: "INVALID_CONTEXT", errorDetails: "context must be a JSON object" });
  });

  it("answers GET with 405", async () => {
    const res = await call(SINGLE, { method: "GET" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("POST, OPTIONS");
  });
});
