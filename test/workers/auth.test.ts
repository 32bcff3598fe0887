// Client authentication on the evaluation routes: both OFREP credential schemes, 401 for a missing
// or unknown credential, 403 for a disabled client or a browser origin the client does not allow.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import { clients } from "../../db/schema";
import { DEMO_CLIENT_IDS, DEMO_ENVIRONMENT_IDS, DEMO_SECRETS } from "../../db/seed/demo-data";
import { publishEnvironment } from "../../durable-objects/publish";
import { clientKvKey, type ClientRecord } from "../../protocol/delivery";
import { sha256Hex } from "../../protocol/secret-hash";
import { seedDemo } from "./support/seed-demo";
import { call, DEV_SECRET, ofrep, SINGLE, WEB_SECRET } from "./api-support";

beforeAll(async () => {
  await seedDemo(env);
});

const routes = [
  ["OFREP single", `${SINGLE}/BetaUsers`, { context: { role: "admin" } }],
  ["OFREP bulk", SINGLE, { context: { role: "admin" } }],
  ["/evaluate", "/evaluate", { flagKey: "BetaUsers", context: { role: "admin" } }],
] as const;

describe("credentials", () => {
  it.each(routes)("%s accepts Authorization: Bearer and X-API-Key alike", async (_name, path, body) => {
    expect((await call(path, { body, scheme: "bearer" })).status).toBe(200);
    expect((await call(path, { body, scheme: "x-api-key" })).status).toBe(200);
  });

  it("reads the Bearer scheme case-insensitively", async () => {
    const res = await call(`${SINGLE}/BetaUsers`, {
      secret: null, body: { context: {} }, headers: { Authorization: `bearer ${DEV_SECRET}` },
    });
    expect(res.status).toBe(200);
  });

  it("answers OFREP requests without a credential with 401 UNAUTHORIZED (JSON)", async () => {
    const res = await call(`${SINGLE}/BetaUsers`, { secret: null, body: { context: {} } });
    expect(res.status).toBe(401);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    expect(res.json).toEqual({
      key: "BetaUsers", errorCode: "UNAUTHORIZED",
      errorDetails: "missing credential; send Authorization: Bearer <client secret> or X-API-Key",
    });
  });

  it.each([
    ["an unknown secret", { secret: "fg_local_not_a_client" }],
    ["a non-Bearer Authorization", { secret: null, headers: { Authorization: `Basic ${DEV_SECRET}` } }],
  ])("answers %s with 401", async (_what, options) => {
    const res = await call(SINGLE, { body: { context: {} }, ...options });
    expect(res.status).toBe(401);
    expect(res.json.errorCode).toBe("UNAUTHORIZED");
  });

  it("answers /evaluate without a credential with 401 in the FluxGate error shape", async () => {
    const res = await call("/evaluate", { secret: null, body: { flagKey: "BetaUsers" } });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: {
      code: "UNAUTHORIZED", message: "missing credential; send Authorization: Bearer <client secret> or X-API-Key",
    } });
  });

  it("refuses a client disabled in D1 with 403 once its environment is published", async () => {
    // The staging secret is not used before this point, so no isolate has its record cached.
    await drizzle(env.DB).update(clients).set({ enabled: false }).where(eq(clients.id, DEMO_CLIENT_IDS.staging));
    await publishEnvironment(env, DEMO_ENVIRONMENT_IDS.staging);
    const res = await ofrep("BetaUsers", {}, { secret: DEMO_SECRETS.staging });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ key: "BetaUsers", errorCode: "FORBIDDEN", errorDetails: "client is disabled" });
  });

  it("refuses a record whose stored hash does not match the presented secret (401)", async () => {
    const secret = "fg_test_mismatched_record";
    const record: ClientRecord = {
      clientId: "c-mismatch", secretHash: "0".repeat(64), teamId: "t", environmentId: DEMO_ENVIRONMENT_IDS.development,
      kind: "server", enabled: true, origins: [],
    };
    await env.FLAGS_KV.put(clientKvKey(await sha256Hex(secret)), JSON.stringify(record));
    expect((await ofrep("BetaUsers", {}, { secret })).status).toBe(401);
  });
});

describe("origins", () => {
  it("refuses a server client called from a browser (any Origin) with 403 SERVER_CLIENT_IN_BROWSER, readable by the page", async () => {
    const res = await ofrep("BetaUsers", {}, { headers: { Origin: "http://localhost:5173" } });
    expect(res.status).toBe(403);
    expect(res.json).toEqual({ key: "BetaUsers", errorCode: "SERVER_CLIENT_IN_BROWSER", errorDetails: "a server client's secret may not be used from a browser (the request carries an Origin header); use a web client's secret in web pages" });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:5173");
  });

  it("lets the web client call from a listed origin and refuses an unlisted one with 403", async () => {
    const listed = await ofrep("BetaUsers", {}, { secret: WEB_SECRET, headers: { Origin: "http://localhost:5173" } });
    expect(listed.status).toBe(200);
    const unlisted = await ofrep("BetaUsers", {}, { secret: WEB_SECRET, headers: { Origin: "https://evil.example" } });
    expect(unlisted.status).toBe(403);
    expect(unlisted.json).toEqual({ key: "BetaUsers", errorCode: "ORIGIN_NOT_ALLOWED", errorDetails: "origin https://evil.example is not allowed for this client; add it to the web client's allowed origins (scheme, host and port must match exactly)" });
  });

  it("lets the web client call without an Origin (server-side rendering)", async () => {
    expect((await ofrep("BetaUsers", {}, { secret: WEB_SECRET })).status).toBe(200);
  });
});
