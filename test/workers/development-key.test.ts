// The published development AUTH_ENCRYPTION_KEY (.dev.vars.example) signs nothing outside
// development: the evaluation Worker neither offers OFREP event streams (whose tokens anyone could
// then mint) nor accepts their tokens. The admin Worker's side (no sign-in, no access tokens) is
// test/workers/control/encryption-key.test.ts.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_SECRETS } from "../../db/seed/demo-data";
import { countsSettled } from "./analytics/support";
import evaluation from "../../workers/evaluation/index";
import { PUBLIC_DEVELOPMENT_KEY } from "../../workers/development-key";
import { clearClientCache } from "../../workers/evaluation/data/client-auth";
import { freshStart } from "./control/support/actors";

const BASE = "http://fluxgate.test";

async function call(path: string, init: RequestInit, overrides: Record<string, string>) {
  const ctx = createExecutionContext();
  const response = await evaluation.fetch(new Request(`${BASE}${path}`, init), { ...env, ...overrides }, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

const bulk = async (overrides: Record<string, string>) => {
  const response = await call("/ofrep/v1/evaluate/flags", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${DEMO_SECRETS.development}` },
    body: JSON.stringify({ context: { targetingKey: "user-1" } }),
  }, overrides);
  expect(response.status).toBe(200);
  return (await response.json()) as { eventStreams?: { url: string }[] };
};

beforeEach(async () => {
  await freshStart();
  clearClientCache();
});

// Counts of this file's evaluations travel on through the relays and the objects' alarms after its
// requests end: the file waits for them, so none runs while the test environment is torn down.
afterAll(() => countsSettled(Object.values(DEMO_ENVIRONMENT_IDS)));

describe("the published development key outside development", () => {
  it("is what the test Worker runs with (development)", () => {
    expect(env.AUTH_ENCRYPTION_KEY).toBe(PUBLIC_DEVELOPMENT_KEY);
    expect(env.FLUXGATE_ENV).toBe("development");
  });

  it("offers no OFREP event stream in production, and refuses a stream token minted with it", async () => {
    const development = await bulk({});
    const url = new URL(development.eventStreams![0]!.url);
    const production = await bulk({ FLUXGATE_ENV: "production" });
    expect(production.eventStreams).toBeUndefined();
    const refused = await call(`${url.pathname}${url.search}`, {}, { FLUXGATE_ENV: "production" });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ errorCode: "UNAUTHORIZED", errorDetails: "event streams are not configured on this server" });
  });

  it("offers event streams in production with a key of the deployment's own", async () => {
    const ownKey = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const production = await bulk({ FLUXGATE_ENV: "production", AUTH_ENCRYPTION_KEY: ownKey });
    expect(production.eventStreams).toHaveLength(1);
    expect(new URL(production.eventStreams![0]!.url).pathname).toBe("/ofrep/v1/events");
  });
});
