// Operations routes: /health reports the snapshots this isolate serves and their freshness;
// /ping is a no-op; unknown routes and wrong methods answer JSON 404 / 405.
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS } from "../../db/seed/demo-data";
import { clientKvKey, type ClientRecord } from "../../protocol/delivery";
import { sha256Hex } from "../../protocol/secret-hash";
import { healthRoutes } from "../../workers/evaluation/data/health-route";
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

  it("reports degraded, and the stale environment, once a snapshot has gone unconfirmed longer than SNAPSHOT_STALE_AFTER_MS", async () => {
    expect((await ofrep("BetaUsers", {})).status).toBe(200); // this isolate now holds development's snapshot
    await new Promise((resolve) => setTimeout(resolve, 5)); // the clock moves on I/O and timers only
    // The same route and the same isolate cache, with a threshold every snapshot has passed by now.
    const res = await healthRoutes.request("/health", {}, { ...env, SNAPSHOT_STALE_AFTER_MS: "0" });
    expect(res.status).toBe(200);
    const body = await res.json() as { status: string; isolate: unknown; environments: { id: string; stale: boolean }[] };
    expect(body.status).toBe("degraded");
    expect(body.isolate).toEqual({ snapshotRevalidateMs: 1000, snapshotStaleAfterMs: 0 });
    expect(body.environments.find((e) => e.id === DEMO_ENVIRONMENT_IDS.development)).toMatchObject({ stale: true, durableObjectReachable: true });
  });
});

describe("503 SNAPSHOT_UNAVAILABLE", () => {
  // A valid client of an environment that has no snapshot anywhere (no KV copy, and its object
  // finds no such environment in D1).
  const SECRET = "fg_test_orphan_environment_secret";
  const ORPHAN = "00000000-0000-4000-8000-0000000000fd";
  beforeAll(async () => {
    const secretHash = await sha256Hex(SECRET);
    const record: ClientRecord = {
      clientId: "00000000-0000-4000-8000-0000000000cd", secretHash, teamId: "00000000-0000-4000-8000-0000000000ad",
      environmentId: ORPHAN, kind: "server", enabled: true, origins: [],
    };
    await env.FLAGS_KV.put(clientKvKey(secretHash), JSON.stringify(record));
  });

  it("answers OFREP with 503, Retry-After: 1 and the OFREP error shape", async () => {
    const res = await ofrep("BetaUsers", {}, { secret: SECRET });
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("1");
    expect(res.json).toEqual({
      key: "BetaUsers", errorCode: "SNAPSHOT_UNAVAILABLE", errorDetails: "this environment's flag snapshot is not available yet; retry shortly",
    });
  });

  it("answers /evaluate with 503, Retry-After: 1 and the FluxGate error shape", async () => {
    const res = await call("/evaluate", { secret: SECRET, body: { flagKey: "BetaUsers" } });
    expect(res.status).toBe(503);
    expect(res.headers.get("Retry-After")).toBe("1");
    expect(res.json).toEqual({
      error: { code: "SNAPSHOT_UNAVAILABLE", message: "this environment's flag snapshot is not available yet; retry shortly" },
    });
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
