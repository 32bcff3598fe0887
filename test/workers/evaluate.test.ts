// FluxGate's POST /evaluate: {flagKey, context} -> {flagKey, value, variant, reason, errorCode?,
// errorDetails?, metadata}, the same evaluation as OFREP, with request errors as {error: {...}}.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS } from "../../db/seed/demo-data";
import { seedDemo } from "./support/seed-demo";
import { call, ofrep } from "./api-support";

beforeAll(async () => {
  await seedDemo(env);
});

const evaluate = (body: unknown) => call("/evaluate", { body });

describe("POST /evaluate", () => {
  it("returns the FluxGate result shape, equal to the OFREP evaluation of the same flag and context", async () => {
    const context = { targetingKey: "acct-9", plan: "pro" };
    const res = await evaluate({ flagKey: "max_upload_mb", context });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    expect(res.json).toEqual({
      flagKey: "max_upload_mb", value: 100, variant: "pro", reason: "TARGETING_MATCH",
      metadata: { flagSetVersion: 1, environment: "development", ruleId: "00000000-0000-4000-8000-000000007311", rulePriority: 10 },
    });
    const viaOfrep = (await ofrep("max_upload_mb", context)).json;
    expect({ value: viaOfrep.value, variant: viaOfrep.variant, reason: viaOfrep.reason, metadata: viaOfrep.metadata })
      .toEqual({ value: res.json.value, variant: res.json.variant, reason: res.json.reason, metadata: res.json.metadata });
  });

  it("accepts bucketingKey as the alias of targetingKey", async () => {
    const viaAlias = await evaluate({ flagKey: "checkout_button_text", context: { bucketingKey: "user-5" } });
    const viaKey = await evaluate({ flagKey: "checkout_button_text", context: { targetingKey: "user-5" } });
    expect(viaAlias.status).toBe(200);
    expect(viaAlias.json.reason).toBe("SPLIT");
    expect(viaAlias.json).toEqual(viaKey.json);
  });

  it("treats a missing context as {}", async () => {
    expect((await evaluate({ flagKey: "BetaUsers" })).json)
      .toMatchObject({ flagKey: "BetaUsers", value: false, variant: "off", reason: "DEFAULT" });
  });

  it("answers an unknown flag with 404 and errorCode FLAG_NOT_FOUND in the result shape", async () => {
    const res = await evaluate({ flagKey: "no_such_flag", context: {} });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ flagKey: "no_such_flag", reason: "ERROR", errorCode: "FLAG_NOT_FOUND" });
    expect(res.json).not.toHaveProperty("value");
  });

  it("answers a split flag without a bucketing key with 400 TARGETING_KEY_MISSING in the result shape", async () => {
    const res = await evaluate({ flagKey: "checkout_button_text", context: {} });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ flagKey: "checkout_button_text", reason: "ERROR", errorCode: "TARGETING_KEY_MISSING" });
  });

  it.each([
    ["malformed JSON", { raw: "{" }, { code: "PARSE_ERROR" }],
    ["a body that is not an object", { body: [] },
      { code: "INVALID_REQUEST", message: 'request body must be a JSON object: {"flagKey": "...", "context": {...}}' }],
    ["a missing flagKey", { body: { context: {} } },
      { code: "INVALID_REQUEST", message: "flagKey is required and must be a string", path: "flagKey" }],
    ["an empty flagKey", { body: { flagKey: "" } },
      { code: "INVALID_REQUEST", message: "flagKey must not be empty", path: "flagKey" }],
    ["a context that is not an object", { body: { flagKey: "BetaUsers", context: "u" } },
      { code: "INVALID_CONTEXT", message: "context must be a JSON object", path: "context" }],
    ["a non-string bucketingKey", { body: { flagKey: "BetaUsers", context: { bucketingKey: 3 } } },
      { code: "INVALID_CONTEXT", message: "context.bucketingKey: must be a string", path: "context.bucketingKey" }],
  ])("answers %s with 400 {error: {code, message, path}}", async (_what, request, error) => {
    const res = await call("/evaluate", request);
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { message: expect.any(String), ...error } });
  });

  it("answers GET with 405 in the FluxGate error shape", async () => {
    const res = await call("/evaluate", { method: "GET" });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("POST, OPTIONS");
    expect(res.json).toEqual({ error: { code: "METHOD_NOT_ALLOWED", message: "method not allowed; use POST, OPTIONS" } });
  });

  it("answers an oversized body with 413", async () => {
    const res = await call("/evaluate", { body: { flagKey: "BetaUsers", context: { pad: "x".repeat(70_000) } } });
    expect(res.status).toBe(413);
    expect(res.json.error.code).toBe("PAYLOAD_TOO_LARGE");
  });
});

describe("POST /evaluate: a context naming an environment", () => {
  const DEVELOPMENT = DEMO_ENVIRONMENT_IDS.development;
  const PRODUCTION = DEMO_ENVIRONMENT_IDS.production;
  const admin = { targetingKey: "user-15", role: "admin" };

  it("answers 403 ENVIRONMENT_MISMATCH naming the credential's environment when environment_id is another environment's id", async () => {
    const res = await evaluate({ flagKey: "BetaUsers", context: { ...admin, environment_id: PRODUCTION } });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({
      error: {
        code: "ENVIRONMENT_MISMATCH",
        message: `context.environment_id names environment "${PRODUCTION}", but this credential belongs to environment `
          + `"development" (id ${DEVELOPMENT}); use a client secret of "${PRODUCTION}", or drop the field`,
        path: "context.environment_id",
      },
    });
  });

  it.each(["environment_id", "environmentId", "environment_key", "environmentKey"])(
    "answers 403 ENVIRONMENT_MISMATCH when %s names another environment by key", async (field) => {
      const res = await evaluate({ flagKey: "BetaUsers", context: { ...admin, [field]: "production" } });
      expect(res.status).toBe(403);
      expect(res.json).toEqual({
        error: {
          code: "ENVIRONMENT_MISMATCH",
          message: `context.${field} names environment "production", but this credential belongs to environment `
            + `"development" (id ${DEVELOPMENT}); use a client secret of "production", or drop the field`,
          path: `context.${field}`,
        },
      });
    });

  it.each([["its id", DEVELOPMENT], ["its key", "development"]])("evaluates when the context names the credential's environment by %s", async (_by, named) => {
    const res = await evaluate({ flagKey: "BetaUsers", context: { ...admin, environment_id: named } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      flagKey: "BetaUsers", value: true, variant: "on", reason: "TARGETING_MATCH",
      metadata: { flagSetVersion: 1, environment: "development", ruleId: "00000000-0000-4000-8000-000000007111", rulePriority: 10 },
    });
  });

  it("answers 400 INVALID_CONTEXT for an environment field that is not a string", async () => {
    const res = await evaluate({ flagKey: "BetaUsers", context: { ...admin, environment_id: 3 } });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({
      error: { code: "INVALID_CONTEXT", message: "context.environment_id: must be a string (an environment id or key)", path: "context.environment_id" },
    });
  });
});

describe("POST /evaluate: the original FluxGate's reason names (reasonNames: original)", () => {
  it("answers TARGETED_MATCH for a rule match", async () => {
    const res = await evaluate({ flagKey: "BetaUsers", context: { targetingKey: "user-15", role: "admin" }, reasonNames: "original" });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      flagKey: "BetaUsers", value: true, variant: "on", reason: "TARGETED_MATCH",
      metadata: { flagSetVersion: 1, environment: "development", ruleId: "00000000-0000-4000-8000-000000007111", rulePriority: 10 },
    });
  });

  it("answers TARGETED_MATCH for a split (the original had no SPLIT reason), the same value and variant as without the option", async () => {
    const context = { bucketingKey: "user-5" };
    const openfeature = await evaluate({ flagKey: "checkout_button_text", context });
    const original = await evaluate({ flagKey: "checkout_button_text", context, reasonNames: "original" });
    expect(openfeature.json.reason).toBe("SPLIT");
    expect(original.json).toEqual({ ...openfeature.json, reason: "TARGETED_MATCH" });
  });

  it("keeps the names both share: DEFAULT, DISABLED, ERROR", async () => {
    const reasons = await Promise.all([
      evaluate({ flagKey: "BetaUsers", context: { role: "editor" }, reasonNames: "original" }),
      evaluate({ flagKey: "legacy_search", context: {}, reasonNames: "original" }),
      evaluate({ flagKey: "no_such_flag", context: {}, reasonNames: "original" }),
    ]);
    expect(reasons.map((r) => r.json.reason)).toEqual(["DEFAULT", "DISABLED", "ERROR"]);
  });

  it("answers OpenFeature's names with reasonNames: openfeature (the default)", async () => {
    const res = await evaluate({ flagKey: "BetaUsers", context: { role: "admin" }, reasonNames: "openfeature" });
    expect(res.json.reason).toBe("TARGETING_MATCH");
  });

  it("refuses an unknown reasonNames with 400 INVALID_REQUEST", async () => {
    const res = await evaluate({ flagKey: "BetaUsers", reasonNames: "legacy" });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: { code: "INVALID_REQUEST", message: "reasonNames must be one of openfeature, original", path: "reasonNames" } });
  });
});
