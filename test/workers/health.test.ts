// Operations routes: /health reports the snapshots this isolate serves and their freshness;
// /ping is a no-op; unknown routes and wrong methods answer JSON 404 / 405.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS } from "../../db/seed/demo-data";
import { seedDemo } from "./support/seed-demo";
import { call, ofrep } from "./api-support";

beforeAll(async () => {
  await seedDemo(env);
});

describe("GET /health", () => {
  it("lists each snapshot this isolate holds with its version, age and freshness", async () => {
    expect((await ofrep("BetaUsers", {})).status).toBe(200);
    const res = await call("/health", { method: "GET", secret: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    expect(res.json).toMatchObject({
      status: "ok",
      isolate: { snapshotRevalidateMs: 1000, snapshotStaleAfterMs: 60000 },
      environments: [{
        id: DEMO_ENVIRONMENT_IDS.development, key: "development", version: 1,
        stale: false, durableObjectReachable: true, lastError: null,
      }],
    });
    const [development] = res.json.environments;
    expect(["kv", "do"]).toContain(development.source);
    expect(development.ageMs).toBeGreaterThanOrEqual(0);
    expect(development.ageMs).toBeLessThan(60_000);
  });
});

describe("HEAD", () => {
  it("answers HEAD /health like GET, without a body", async () => {
    const res = await call("/health", { method: "HEAD", secret: null });
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
  });
});

describe("GET /ping", () => {
  it("answers 200 pong", async () => {
    const res = await call("/ping", { method: "GET", secret: null });
    expect(res.status).toBe(200);
    expect(res.text).toBe("pong");
  });
});

describe("unmatched requests", () => {
  it("answers an unknown route with a JSON 404", async () => {
    const res = await call("/nope", { method: "GET", secret: null });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: { code: "NOT_FOUND", message: "no route for GET /nope; see /openapi.json" } });
  });

  it("answers an unknown OFREP path in the OFREP error shape", async () => {
    const res = await call("/ofrep/v2/evaluate/flags", { body: { context: {} } });
    expect(res.status).toBe(404);
    expect(res.json.errorCode).toBe("NOT_FOUND");
  });

  it("answers POST /health with 405 Allow: GET, HEAD", async () => {
    const res = await call("/health", { body: {} });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
  });
});
