// OFREP single-flag evaluation (POST /ofrep/v1/evaluate/flags/{key}) over the real Worker, D1, KV and
// Durable Object with the demo data: the values each demo flag serves, and every error status.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { bucketOf } from "../../engine";
import { DEMO_SECRETS } from "../../db/seed/demo-data";
import { seedDemo } from "./support/seed-demo";
import { call, ofrep, SINGLE } from "./api-support";

beforeAll(async () => {
  await seedDemo(env);
});

/** The first user ids u-0, u-1, ... whose bucket for `salt` satisfies `test`. */
function usersWhere(salt: string, test: (bucket: number) => boolean, count = 2): string[] {
  const found: string[] = [];
  for (let i = 0; found.length < count; i++) if (test(bucketOf(salt, `u-${i}`))) found.push(`u-${i}`);
  return found;
}

const devMeta = { flagSetVersion: 1, environment: "development" };

describe("demo flag values", () => {
  it("serves BetaUsers true (TARGETING_MATCH, rule metadata) to an admin", async () => {
    const res = await ofrep("BetaUsers", { targetingKey: "user-1", role: "admin" });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    expect(res.json).toEqual({
      key: "BetaUsers", value: true, reason: "TARGETING_MATCH", variant: "on",
      metadata: { ...devMeta, ruleId: "00000000-0000-4000-8000-000000007111", rulePriority: 10 },
    });
  });

  it("serves BetaUsers false (DEFAULT) to everyone else, with or without a targeting key", async () => {
    const expected = { key: "BetaUsers", value: false, reason: "DEFAULT", variant: "off", metadata: devMeta };
    expect((await ofrep("BetaUsers", { targetingKey: "user-1", role: "viewer" })).json).toEqual(expected);
    expect((await ofrep("BetaUsers", {})).json).toEqual(expected);
  });

  it("splits checkout_button_text 50/50 by the targeting key's bucket (SPLIT)", async () => {
    for (const user of usersWhere("checkout_button_text", (b) => b < 50_000)) {
      expect((await ofrep("checkout_button_text", { targetingKey: user })).json).toMatchObject({
        key: "checkout_button_text", value: "Buy now", variant: "control", reason: "SPLIT",
      });
    }
    for (const user of usersWhere("checkout_button_text", (b) => b >= 50_000)) {
      expect((await ofrep("checkout_button_text", { targetingKey: user })).json).toMatchObject({
        key: "checkout_button_text", value: "Complete purchase", variant: "variant-a", reason: "SPLIT",
      });
    }
  });

  it("rolls dark_mode out to the 25% of users whose bucket is below 25000", async () => {
    const [inside] = usersWhere("dark_mode", (b) => b < 25_000, 1);
    const [outside] = usersWhere("dark_mode", (b) => b >= 25_000, 1);
    expect((await ofrep("dark_mode", { targetingKey: inside })).json)
      .toMatchObject({ value: true, variant: "on", reason: "SPLIT" });
    expect((await ofrep("dark_mode", { targetingKey: outside })).json)
      .toMatchObject({ value: false, variant: "off", reason: "DEFAULT" });
  });

  it("serves max_upload_mb 100 to the pro plan and 10 otherwise", async () => {
    expect((await ofrep("max_upload_mb", { targetingKey: "a", plan: "pro" })).json)
      .toMatchObject({ value: 100, variant: "pro", reason: "TARGETING_MATCH" });
    expect((await ofrep("max_upload_mb", { targetingKey: "a", plan: "free" })).json)
      .toMatchObject({ value: 10, variant: "standard", reason: "DEFAULT" });
  });

  it("serves the modern homepage_layout to the beta_testers segment (included key or @acme.test email)", async () => {
    const modern = { value: { hero: "video", columns: 3 }, variant: "modern", reason: "TARGETING_MATCH" };
    expect((await ofrep("homepage_layout", { targetingKey: "user-42" })).json).toMatchObject(modern);
    expect((await ofrep("homepage_layout", { targetingKey: "x", email: "ada@acme.test" })).json).toMatchObject(modern);
    expect((await ofrep("homepage_layout", { targetingKey: "x", email: "ada@example.com" })).json)
      .toMatchObject({ value: { hero: "banner", columns: 2 }, variant: "classic", reason: "DEFAULT" });
  });

  it("serves the killed legacy_search as DISABLED false", async () => {
    expect((await ofrep("legacy_search", { targetingKey: "u" })).json).toEqual({
      key: "legacy_search", value: false, reason: "DISABLED", variant: "off", metadata: devMeta,
    });
  });

  it("disables new_checkout_flow for a non-admin, naming the failed prerequisite, and serves it to admins", async () => {
    expect((await ofrep("new_checkout_flow", { targetingKey: "u", role: "viewer" })).json).toEqual({
      key: "new_checkout_flow", value: false, reason: "DISABLED", variant: "off",
      metadata: { ...devMeta, failedPrerequisite: "BetaUsers" },
    });
    expect((await ofrep("new_checkout_flow", { targetingKey: "u", role: "admin" })).json)
      .toMatchObject({ value: true, variant: "on", reason: "TARGETING_MATCH" });
  });

  it("evaluates against the credential's own environment", async () => {
    const res = await ofrep("BetaUsers", { role: "admin" }, { secret: DEMO_SECRETS.production });
    expect(res.json.metadata).toMatchObject({ environment: "production" });
  });
});

describe("errors", () => {
  it("answers an unknown flag with 404 FLAG_NOT_FOUND naming the key", async () => {
    const res = await ofrep("no_such_flag", { targetingKey: "u" });
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    expect(res.json).toMatchObject({ key: "no_such_flag", errorCode: "FLAG_NOT_FOUND" });
    expect(typeof res.json.errorDetails).toBe("string");
  });

  it("answers a split flag without a targeting key with 400 TARGETING_KEY_MISSING", async () => {
    const res = await ofrep("checkout_button_text", { role: "admin" });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ key: "checkout_button_text", errorCode: "TARGETING_KEY_MISSING" });
  });

  it.each([
    ["malformed JSON", '{"context": {'],
    ["an empty body", ""],
    ["a JSON array", "[1, 2]"],
    ["a JSON string", '"context"'],
  ])("answers %s with 400 PARSE_ERROR naming the key", async (_what, raw) => {
    const res = await call(`${SINGLE}/BetaUsers`, { raw });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ key: "BetaUsers", errorCode: "PARSE_ERROR" });
  });

  it.each([
    ["a context that is a string", { context: "user-1" }, "context must be a JSON object"],
    ["a missing context", {}, 'context is required: send {"context": {"targetingKey": "<user id>", ...attributes}}'],
    ["a numeric targetingKey", { context: { targetingKey: 7 } }, "context.targetingKey: must be a string"],
  ])("answers %s with 400 INVALID_CONTEXT saying what to fix", async (_what, body, details) => {
    const res = await call(`${SINGLE}/BetaUsers`, { body });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ key: "BetaUsers", errorCode: "INVALID_CONTEXT", errorDetails: details });
  });

  it("answers a body declared over 64 KiB with 413 PAYLOAD_TOO_LARGE before reading it", async () => {
    const raw = JSON.stringify({ context: { targetingKey: "u", pad: "x".repeat(64 * 1024) } });
    const res = await call(`${SINGLE}/BetaUsers`, { raw });
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ key: "BetaUsers", errorCode: "PAYLOAD_TOO_LARGE" });
  });

  it("answers a streamed body (no Content-Length) that grows past 64 KiB with 413", async () => {
    const chunk = new TextEncoder().encode("x".repeat(16 * 1024));
    let sent = 0;
    const raw = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await call(`${SINGLE}/BetaUsers`, { raw });
    expect(res.status).toBe(413);
    expect(res.json.errorCode).toBe("PAYLOAD_TOO_LARGE");
  });

  it("accepts a body of exactly 64 KiB", async () => {
    const base = JSON.stringify({ context: { targetingKey: "u", pad: "" } });
    const raw = JSON.stringify({ context: { targetingKey: "u", pad: "x".repeat(64 * 1024 - base.length) } });
    expect(new TextEncoder().encode(raw).byteLength).toBe(64 * 1024);
    expect((await call(`${SINGLE}/BetaUsers`, { raw })).status).toBe(200);
  });

  it("reads a body without Content-Type as JSON, and refuses other content types with 415", async () => {
    const body = JSON.stringify({ context: { role: "admin" } });
    const untyped = await exportsFetch(`${SINGLE}/BetaUsers`, body, undefined);
    expect(untyped.status).toBe(200);
    const form = await call(`${SINGLE}/BetaUsers`, { raw: body, headers: { "Content-Type": "text/plain" } });
    expect(form.status).toBe(415);
    expect(form.json).toMatchObject({ key: "BetaUsers", errorCode: "UNSUPPORTED_MEDIA_TYPE" });
    const vendor = await call(`${SINGLE}/BetaUsers`, {
      raw: body, headers: { "Content-Type": "application/vnd.api+json; charset=utf-8" },
    });
    expect(vendor.status).toBe(200);
  });

  it.each(["GET", "PUT", "DELETE", "PATCH"])("answers %s with 405 and Allow: POST, OPTIONS", async (method) => {
    const res = await call(`${SINGLE}/BetaUsers`, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("POST, OPTIONS");
    expect(res.json).toMatchObject({ errorCode: "METHOD_NOT_ALLOWED" });
  });
});

/** A request with no Content-Type header at all (call() always sets one). */
async function exportsFetch(path: string, body: string, contentType: string | undefined) {
  const { exports } = await import("cloudflare:workers");
  const headers: Record<string, string> = { Authorization: `Bearer ${DEMO_SECRETS.development}` };
  if (contentType) headers["Content-Type"] = contentType;
  const request = new Request(`http://fluxgate.test${path}`, { method: "POST", headers, body });
  request.headers.delete("Content-Type");
  return exports.default.fetch(request);
}
