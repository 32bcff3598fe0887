// The evaluation Worker's HTTP contract, checked with raw fetch through the real local stack:
// credentials, error statuses and bodies, bulk ETag/304, CORS origin rules and the FluxGate-style
// POST /evaluate. Every OFREP response is validated against the OFREP OpenAPI schemas.
import { afterEach, describe, expect, it } from "vitest";
import { DEMO_FLAG_KEYS, DEV_SERVER_SECRET, WEB_CLIENT_SECRET } from "./support/demo";
import { assertOfrepConformant } from "./support/ofrep-schema";
import { recordingFetch, type RecordedExchange } from "./support/recording-fetch";
import { useDevStack } from "./support/use-dev-stack";

const stack = useDevStack();
const recorder = recordingFetch();

afterEach(() => {
  for (const exchange of recorder.exchanges.splice(0)) assertOfrepConformant(exchange);
});

interface Call {
  method?: string;
  secret?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

/** One request through the recorder; returns the recorded exchange (status, headers, parsed body). */
async function call(path: string, { method = "POST", secret = DEV_SERVER_SECRET, body, rawBody, headers = {} }: Call = {}): Promise<RecordedExchange> {
  const init: RequestInit = { method, headers: { "content-type": "application/json", ...headers } };
  if (secret !== null) (init.headers as Record<string, string>)["authorization"] = `Bearer ${secret}`;
  if (rawBody !== undefined) init.body = rawBody;
  else if (body !== undefined) init.body = JSON.stringify(body);
  await recorder.fetch(`${stack.baseUrl}${path}`, init);
  return recorder.exchanges.at(-1)!;
}

const SINGLE = "/ofrep/v1/evaluate/flags";
const admin = { context: { targetingKey: "user-1", role: "admin" } };

function expectJson(exchange: RecordedExchange): void {
  expect(exchange.responseHeaders.get("content-type")).toMatch(/^application\/json/);
}

describe("OFREP bulk evaluation", () => {
  it("returns every demo flag with a strong ETag and answers 304 to a matching If-None-Match", async () => {
    const first = await call(SINGLE, { body: admin });
    expect(first.status).toBe(200);
    expectJson(first);
    const body = first.responseJson as { flags: { key: string }[]; metadata: Record<string, unknown> };
    expect(body.flags.map((f) => f.key).sort()).toEqual([...DEMO_FLAG_KEYS].sort());
    expect(typeof body.metadata["flagSetVersion"]).toBe("number");
    const etag = first.responseHeaders.get("etag");
    expect(etag).toMatch(/^"[^"]+"$/);

    const again = await call(SINGLE, { body: admin, headers: { "if-none-match": etag! } });
    expect(again.status).toBe(304);
    expect(again.responseText).toBe("");

    // Weak comparison (RFC 9110): W/"x" matches "x".
    const weak = await call(SINGLE, { body: admin, headers: { "if-none-match": `W/${etag}` } });
    expect(weak.status).toBe(304);
  });

  it("answers 200 with fresh flags when the context changed, even with the previous ETag", async () => {
    const first = await call(SINGLE, { body: admin });
    const etag = first.responseHeaders.get("etag")!;
    const other = await call(SINGLE, { body: { context: { targetingKey: "user-1", role: "user" } }, headers: { "if-none-match": etag } });
    expect(other.status).toBe(200);
    expect(other.responseHeaders.get("etag")).not.toBe(etag);
    const beta = (other.responseJson as { flags: { key: string; value?: unknown }[] }).flags.find((f) => f.key === "BetaUsers");
    expect(beta).toMatchObject({ key: "BetaUsers", value: false, reason: "DEFAULT", variant: "off" });
  });

  it("never answers 304 to If-None-Match: *", async () => {
    expect((await call(SINGLE, { body: admin, headers: { "if-none-match": "*" } })).status).toBe(200);
  });

  it("reports a flag that needs a targeting key as a per-flag failure inside a 200", async () => {
    const res = await call(SINGLE, { body: { context: { role: "admin" } } });
    expect(res.status).toBe(200);
    const flags = (res.responseJson as { flags: Record<string, unknown>[] }).flags;
    expect(flags.find((f) => f["key"] === "checkout_button_text")).toMatchObject({ errorCode: "TARGETING_KEY_MISSING" });
    expect(flags.find((f) => f["key"] === "BetaUsers")).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
  });

  it("answers malformed JSON with 400 PARSE_ERROR", async () => {
    const res = await call(SINGLE, { rawBody: '{"context": {' });
    expect(res.status).toBe(400);
    expectJson(res);
    expect(res.responseJson).toMatchObject({ errorCode: "PARSE_ERROR" });
  });
});

describe("OFREP single-flag evaluation", () => {
  it("evaluates a flag: 200 with key, value, reason, variant and metadata", async () => {
    const res = await call(`${SINGLE}/max_upload_mb`, { body: { context: { targetingKey: "acct-9", plan: "pro" } } });
    expect(res.status).toBe(200);
    expectJson(res);
    expect(res.responseJson).toMatchObject({ key: "max_upload_mb", value: 100, reason: "TARGETING_MATCH", variant: "pro" });
  });

  it("answers an unknown flag with 404 FLAG_NOT_FOUND naming the key", async () => {
    const res = await call(`${SINGLE}/no_such_flag`, { body: admin });
    expect(res.status).toBe(404);
    expectJson(res);
    expect(res.responseJson).toMatchObject({ key: "no_such_flag", errorCode: "FLAG_NOT_FOUND" });
  });

  it("answers malformed JSON with 400 PARSE_ERROR naming the key", async () => {
    const res = await call(`${SINGLE}/BetaUsers`, { rawBody: "{not json" });
    expect(res.status).toBe(400);
    expect(res.responseJson).toMatchObject({ key: "BetaUsers", errorCode: "PARSE_ERROR" });
  });

  it("answers a split flag without targetingKey with 400 TARGETING_KEY_MISSING", async () => {
    const res = await call(`${SINGLE}/checkout_button_text`, { body: { context: { role: "admin" } } });
    expect(res.status).toBe(400);
    expect(res.responseJson).toMatchObject({ key: "checkout_button_text", errorCode: "TARGETING_KEY_MISSING" });
  });

  it("answers a context that is not an object with 400 and an OFREP error code", async () => {
    const res = await call(`${SINGLE}/BetaUsers`, { body: { context: "user-1" } });
    expect(res.status).toBe(400);
    expect((res.responseJson as { errorCode: string }).errorCode).toMatch(/^(INVALID_CONTEXT|PARSE_ERROR)$/);
  });
});

describe("credentials and origins", () => {
  it.each([
    ["single", `${SINGLE}/BetaUsers`],
    ["bulk", SINGLE],
  ])("answers 401 (JSON) to a %s request without a credential or with an unknown one", async (_kind, path) => {
    const missing = await call(path, { secret: null, body: admin });
    expect(missing.status).toBe(401);
    expectJson(missing);
    const wrong = await call(path, { secret: "fg_local_not_a_real_secret", body: admin });
    expect(wrong.status).toBe(401);
  });

  it("accepts the secret as X-API-Key too", async () => {
    const res = await call(`${SINGLE}/BetaUsers`, { secret: null, headers: { "x-api-key": DEV_SERVER_SECRET }, body: admin });
    expect(res.status).toBe(200);
  });

  it("refuses a server secret sent from a browser (any Origin) with 403 SERVER_CLIENT_IN_BROWSER", async () => {
    const res = await call(`${SINGLE}/BetaUsers`, { headers: { origin: "http://localhost:5173" }, body: admin });
    expect(res.status).toBe(403);
    expect((res.responseJson as { errorCode: string }).errorCode).toBe("SERVER_CLIENT_IN_BROWSER");
  });

  it("lets the web client call from a listed origin (with CORS headers) and refuses other origins with a readable 403 ORIGIN_NOT_ALLOWED", async () => {
    const allowed = await call(SINGLE, { secret: WEB_CLIENT_SECRET, headers: { origin: "http://localhost:5173" }, body: admin });
    expect(allowed.status).toBe(200);
    expect(allowed.responseHeaders.get("access-control-allow-origin")).toBe("http://localhost:5173");
    const refused = await call(SINGLE, { secret: WEB_CLIENT_SECRET, headers: { origin: "https://evil.example" }, body: admin });
    expect(refused.status).toBe(403);
    // Readable by the refused page (its secret is public anyway), so the developer sees the reason.
    expect(refused.responseHeaders.get("access-control-allow-origin")).toBe("https://evil.example");
    expect((refused.responseJson as { errorCode: string }).errorCode).toBe("ORIGIN_NOT_ALLOWED");
  });
});

describe("FluxGate POST /evaluate", () => {
  it("returns {flagKey, value, variant, reason, metadata} from the same evaluation as OFREP", async () => {
    const context = { targetingKey: "user-42", email: "x@example.com" };
    const res = await call("/evaluate", { body: { flagKey: "homepage_layout", context } });
    expect(res.status).toBe(200);
    expectJson(res);
    const body = res.responseJson as Record<string, unknown>;
    expect(body).toMatchObject({ flagKey: "homepage_layout", value: { hero: "video", columns: 3 }, variant: "modern", reason: "TARGETING_MATCH" });
    expect(body["errorCode"]).toBeUndefined();

    const ofrep = (await call(`${SINGLE}/homepage_layout`, { body: { context } })).responseJson as Record<string, unknown>;
    expect({ value: body["value"], variant: body["variant"], reason: body["reason"], metadata: body["metadata"] })
      .toEqual({ value: ofrep["value"], variant: ofrep["variant"], reason: ofrep["reason"], metadata: ofrep["metadata"] });
  });

  it("accepts bucketingKey as the alias of targetingKey", async () => {
    const viaAlias = (await call("/evaluate", { body: { flagKey: "checkout_button_text", context: { bucketingKey: "user-5" } } })).responseJson;
    const viaKey = (await call("/evaluate", { body: { flagKey: "checkout_button_text", context: { targetingKey: "user-5" } } })).responseJson;
    expect(viaAlias).toMatchObject({ reason: "SPLIT" });
    expect(viaAlias).toEqual(viaKey);
  });

  it("answers an unknown flag with 404 and errorCode FLAG_NOT_FOUND", async () => {
    const res = await call("/evaluate", { body: { flagKey: "no_such_flag", context: {} } });
    expect(res.status).toBe(404);
    expect(res.responseJson).toMatchObject({ flagKey: "no_such_flag", reason: "ERROR", errorCode: "FLAG_NOT_FOUND" });
  });

  it("answers 401 without a credential", async () => {
    const res = await call("/evaluate", { secret: null, body: { flagKey: "BetaUsers", context: {} } });
    expect(res.status).toBe(401);
    expectJson(res);
  });
});

describe("service routes", () => {
  it("GET /health and GET /ping answer 200", async () => {
    expect((await call("/health", { method: "GET", secret: null })).status).toBe(200);
    expect((await call("/ping", { method: "GET", secret: null })).status).toBe(200);
  });
});
