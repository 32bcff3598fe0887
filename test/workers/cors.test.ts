// CORS: preflights (which carry no credential) are answered for the evaluation routes; real
// responses name the origin for a web client that lists it, for authentication failures that
// recognised no client (401, 429) and for a browser's refusal (ORIGIN_NOT_ALLOWED,
// SERVER_CLIENT_IN_BROWSER), never for a disabled client's 403; they always vary by Origin.
import { env, exports } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUTH_FAILURE_LIMIT, authFailureThrottle } from "../../workers/evaluation/data/auth-throttle";
import { MAX_BODY_BYTES } from "../../workers/evaluation/data/limits";
import { seedDemo } from "./support/seed-demo";
import { call, ofrep, SINGLE, WEB_SECRET } from "./api-support";

beforeAll(async () => {
  await seedDemo(env);
});

const preflight = (path: string, origin?: string) =>
  exports.default.fetch(`http://fluxgate.test${path}`, {
    method: "OPTIONS",
    headers: origin === undefined ? {} : {
      Origin: origin,
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "authorization, content-type, if-none-match",
    },
  });

describe("preflight", () => {
  it.each([`${SINGLE}/BetaUsers`, SINGLE, "/evaluate"])("answers OPTIONS %s with 204 and the allowed methods and headers", async (path) => {
    const res = await preflight(path, "http://localhost:5173");
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(Object.fromEntries([
      "Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
      "Access-Control-Max-Age", "Vary",
    ].map((h) => [h, res.headers.get(h)]))).toEqual({
      "Access-Control-Allow-Origin": "http://localhost:5173",
      "Access-Control-Allow-Methods": "POST, OPTIONS",
      "Access-Control-Allow-Headers": "Authorization, X-API-Key, Content-Type, If-None-Match",
      "Access-Control-Max-Age": "7200",
      Vary: "Origin",
    });
  });

  it("answers OPTIONS without an Origin with 204 and Allow, but no CORS headers", async () => {
    const res = await preflight("/evaluate");
    expect(res.status).toBe(204);
    expect(res.headers.get("Allow")).toBe("POST, OPTIONS");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});

describe("actual requests", () => {
  it("echoes a web client's listed origin and exposes ETag", async () => {
    const res = await call(SINGLE, { secret: WEB_SECRET, body: { context: {} }, headers: { Origin: "http://127.0.0.1:8787" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("http://127.0.0.1:8787");
    expect(res.headers.get("Access-Control-Expose-Headers")).toBe("ETag, Retry-After");
    expect(res.headers.get("Vary")).toBe("Origin");
  });

  it("also names the origin on a web client's evaluation errors, so the page can read them", async () => {
    const res = await ofrep("no_such_flag", {}, { secret: WEB_SECRET, headers: { Origin: "http://localhost:8787" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:8787");
  });

  it("sends no CORS headers to a server client (only Vary)", async () => {
    const res = await ofrep("BetaUsers", {});
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(res.headers.get("Vary")).toBe("Origin");
  });

  it("lets an unlisted origin read its own refusal (403 ORIGIN_NOT_ALLOWED), and nothing else", async () => {
    const res = await ofrep("BetaUsers", {}, { secret: WEB_SECRET, headers: { Origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect(res.json.errorCode).toBe("ORIGIN_NOT_ALLOWED");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("https://evil.example");
  });
});

describe("error responses", () => {
  const page = "https://shop.example";
  const cors = (res: { headers: Headers }) => ({
    allowOrigin: res.headers.get("Access-Control-Allow-Origin"),
    expose: res.headers.get("Access-Control-Expose-Headers"),
    vary: res.headers.get("Vary"),
  });
  const readable = { allowOrigin: page, expose: "ETag, Retry-After", vary: "Origin" };
  const opaque = { allowOrigin: null, expose: null, vary: "Origin" };

  afterAll(() => {
    authFailureThrottle.clear();
  });

  it.each([
    ["a missing credential", null],
    ["an unknown credential", "fg_local_not_a_client"],
  ])("let any origin read the 401 for %s, which says nothing about a client", async (_what, secret) => {
    const res = await ofrep("BetaUsers", {}, { secret, headers: { Origin: page } });
    expect(res.status).toBe(401);
    expect(cors(res)).toEqual(readable);
    expect(res.json.errorCode).toBe("UNAUTHORIZED");
  });

  it("let any origin read a 429 and its Retry-After", async () => {
    const from = { "CF-Connecting-IP": "203.0.113.50", Origin: page };
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) await ofrep("BetaUsers", {}, { secret: `fg_guess_cors_${i}`, headers: from });
    const res = await call("/evaluate", { secret: "fg_guess_cors", body: { flagKey: "BetaUsers" }, headers: from });
    expect(res.status).toBe(429);
    expect(cors(res)).toEqual(readable);
    expect(res.headers.get("Retry-After")).toMatch(/^[0-9]+$/);
  });

  it("send no CORS headers on a 401 without an Origin", async () => {
    const res = await ofrep("BetaUsers", {}, { secret: null });
    expect(res.status).toBe(401);
    expect(cors(res)).toEqual(opaque);
  });

  it.each([
    ["a server client called from a browser", undefined, "SERVER_CLIENT_IN_BROWSER", "a server client's secret may not be used from a browser (the request carries an Origin header); use a web client's secret in web pages"],
    ["a web client from an origin it does not list", WEB_SECRET, "ORIGIN_NOT_ALLOWED", `origin ${page} is not allowed for this client; add it to the web client's allowed origins (scheme, host and port must match exactly)`],
  ])("let the page read the 403 for %s, which names the problem", async (_what, secret, code, details) => {
    const res = await ofrep("BetaUsers", {}, { secret, headers: { Origin: page } });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ key: "BetaUsers", errorCode: code, errorDetails: details });
    expect(cors(res)).toEqual(readable);
  });

  it.each([
    ["400 PARSE_ERROR", { raw: "{not json" }, 400],
    ["413 PAYLOAD_TOO_LARGE", { raw: JSON.stringify({ context: { pad: "x".repeat(MAX_BODY_BYTES) } }) }, 413],
    ["415 UNSUPPORTED_MEDIA_TYPE", { raw: "context=1", headers: { "Content-Type": "text/plain" } }, 415],
  ] as const)("let a web client's listed origin read %s", async (_what, options, status) => {
    const origin = "http://localhost:5173";
    const res = await call(SINGLE, { secret: WEB_SECRET, ...options, headers: { Origin: origin, ...("headers" in options ? options.headers : {}) } });
    expect(res.status).toBe(status);
    expect(cors(res)).toEqual({ ...readable, allowOrigin: origin });
  });
});
