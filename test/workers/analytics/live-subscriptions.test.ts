// The seed README's "Real-Time Dashboard Subscriptions", verbatim, over both transports of
// /graphql: graphql-yoga's Server-Sent Events and WebSocket with graphql-transport-ws (graphql-ws's
// real createClient, connected through this Worker's fetch). The first payload comes at once; the
// next one when the environment object announces new counts (`evaluations_counted`, what its flush
// to D1 announces), and at least every heartbeat. Values are exact, from rollups written here.
import { env, exports } from "cloudflare:workers";
import { createClient, type Client } from "graphql-ws";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLIENT_IDS, DEMO_ENVIRONMENT_IDS, DEMO_USER_IDS } from "../../../db/seed/demo-data";
import { controlDeps } from "../../../workers/admin/core/deps";
import { loadPrincipal } from "../../../workers/admin/identity/authz";
import { subscribeEvaluationSummary } from "../../../workers/admin/insights/live-analytics";
import { freshStart, tokenOf } from "../control/support/actors";
import type { Role } from "../control/support/sessions";
import { cancelOpenReaders, SseReader } from "../push/support/sse-reader";
import { addRollups, announceCounted, currentMinute, feedOpen, SEED_RATES, SEED_SUMMARY } from "./support/live";
import { closeOpenSockets, SelfWebSocket } from "./support/self-websocket";

const PROD = DEMO_ENVIRONMENT_IDS.production;
const WEB_CLIENT = DEMO_CLIENT_IDS.production;

type Payload = { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };

interface Live {
  next(timeoutMs?: number): Promise<Payload>;
  close(): Promise<void>;
}

async function overSse(role: Role, query: string): Promise<Live> {
  const response = await exports.default.fetch("http://fluxgate.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${await tokenOf(role)}` },
    body: JSON.stringify({ query }),
  });
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const sse = new SseReader(response);
  return {
    next: async (timeoutMs = 3000) => JSON.parse((await sse.next((f) => f.event === "next", timeoutMs)).data!),
    close: () => sse.cancel(),
  };
}

const clients = new Set<Client>();

async function overWebSocket(role: Role, query: string): Promise<Live> {
  const token = await tokenOf(role);
  const client = createClient({
    url: "ws://fluxgate.test/graphql", webSocketImpl: SelfWebSocket, lazy: true, retryAttempts: 0,
    connectionParams: { authorization: `Bearer ${token}` },
  });
  clients.add(client);
  const payloads = client.iterate({ query });
  return {
    next: async (timeoutMs = 3000) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no payload within ${timeoutMs} ms`)), timeoutMs)));
      try {
        const result = await Promise.race([payloads.next(), timeout]);
        if (result.done) throw new Error("subscription completed");
        return result.value as Payload;
      } catch (error) {
        // graphql-ws rejects the iterator with the operation's GraphQL errors.
        if (Array.isArray(error)) return { errors: error };
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
    close: async () => {
      await payloads.return?.();
      await client.dispose();
      clients.delete(client);
    },
  };
}

beforeEach(freshStart);
afterEach(async () => {
  await cancelOpenReaders();
  for (const client of clients) await client.dispose();
  clients.clear();
  closeOpenSockets();
});

/** Production's counts this test starts from (minute `m`): new_checkout_flow 10 (8 ok, 6 cached), dark_mode 100, and one old row. */
async function seedProduction(m: number) {
  await addRollups([
    { environmentId: PROD, minute: m, flagKey: "new_checkout_flow", reason: "TARGETING_MATCH", clientId: WEB_CLIENT, count: 8, cacheHits: 6 },
    { environmentId: PROD, minute: m, flagKey: "new_checkout_flow", reason: "ERROR", count: 2, cacheHits: 0 },
    { environmentId: PROD, minute: m, flagKey: "dark_mode", variant: "on", reason: "SPLIT", clientId: WEB_CLIENT, count: 100, cacheHits: 100 },
    // 3 h ago: outside the rates' 2 hours, inside the summary's 24.
    { environmentId: PROD, minute: m - 180, flagKey: "new_checkout_flow", reason: "DEFAULT", count: 50, cacheHits: 0 },
  ]);
}

/** The buckets with evaluations, and that every other bucket is empty with null rates. */
function nonEmpty(rates: any[]) {
  for (const bucket of rates.filter((b) => b.evaluationCount === 0)) {
    expect(bucket).toMatchObject({ successCount: 0, successRate: null, cacheHitRate: null });
  }
  return rates.filter((b) => b.evaluationCount > 0);
}

const transports = [["SSE", overSse], ["WebSocket (graphql-transport-ws)", overWebSocket]] as const;

describe.each(transports)("the seed's subscriptions over %s", (_name, subscribe) => {
  it("evaluationRates: the first payload at once, 5-minute buckets over 2 hours, exact rates of new_checkout_flow only", async () => {
    const m = currentMinute();
    await seedProduction(m);
    const started = Date.now();
    const live = await subscribe("viewer", SEED_RATES);
    const first = await live.next();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(first.errors).toBeUndefined();
    const rates = first.data.evaluationRates;
    const now = currentMinute();
    expect(rates.length).toBe(Math.floor(now / 5) - Math.floor((now - 119) / 5) + 1);
    expect(Object.keys(rates[0])).toEqual(["timeBucket", "evaluationCount", "successCount", "successRate", "cacheHitRate"]);
    expect(nonEmpty(rates)).toEqual([{
      timeBucket: new Date(Math.max(Math.floor(m / 5) * 5, now - 119) * 60_000).toISOString(),
      evaluationCount: 10, successCount: 8, successRate: 0.8, cacheHitRate: 0.6,
    }]);
    await live.close();
  });

  it("evaluationRates: pushes a new payload when the environment object announces new counts", async () => {
    const m = currentMinute();
    await seedProduction(m);
    const live = await subscribe("viewer", SEED_RATES);
    await live.next();
    await feedOpen(PROD);
    await addRollups([{ environmentId: PROD, minute: m, flagKey: "new_checkout_flow", reason: "SPLIT", clientId: WEB_CLIENT, count: 10, cacheHits: 10 }]);
    const announced = Date.now();
    await announceCounted(PROD, [m]);
    const pushed = await live.next(3000);
    expect(Date.now() - announced).toBeLessThan(3000); // far below the 30 s heartbeat
    expect(nonEmpty(pushed.data.evaluationRates)).toMatchObject([{ evaluationCount: 20, successCount: 18, successRate: 0.9, cacheHitRate: 0.8 }]);
    await live.close();
  });

  it("evaluationSummary: totals of production over 24 hours with the cache-hit rate and generatedAt", async () => {
    const m = currentMinute();
    await seedProduction(m);
    const before = Date.now();
    const live = await subscribe("viewer", SEED_SUMMARY);
    const { data } = await live.next();
    expect(data.evaluationSummary).toMatchObject({
      totalEvaluations: 160, successfulEvaluations: 158, successRate: 158 / 160, cacheHitRate: 106 / 160,
    });
    expect(Date.parse(data.evaluationSummary.generatedAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(Date.parse(data.evaluationSummary.generatedAt)).toBeLessThanOrEqual(Date.now());
    await live.close();
  });

  it("refuses an environment of another team as not found, and out-of-range inputs with their codes", async () => {
    const outsider = await subscribe("outsider", SEED_SUMMARY);
    expect((await outsider.next()).errors!.map((e) => e.extensions?.code)).toEqual(["NOT_FOUND"]);
    await outsider.close();
    const wide = await subscribe("viewer", SEED_RATES.replace("intervalMinutes: 5", "intervalMinutes: 61"));
    expect((await wide.next()).errors!.map((e) => [e.extensions?.code, e.extensions?.reason, e.extensions?.field]))
      .toEqual([["BAD_USER_INPUT", "INTERVAL_OUT_OF_RANGE", "input.intervalMinutes"]]);
    await wide.close();
    const long = await subscribe("viewer", SEED_SUMMARY.replace("durationHours: 24", "durationHours: 25"));
    expect((await long.next()).errors!.map((e) => [e.extensions?.code, e.extensions?.reason, e.extensions?.field]))
      .toEqual([["BAD_USER_INPUT", "DURATION_OUT_OF_RANGE", "input.durationHours"]]);
    await long.close();
  });
});

describe("the WebSocket endpoint", () => {
  it("refuses an upgrade without the graphql-transport-ws subprotocol with 400 BAD_REQUEST", async () => {
    const response = await exports.default.fetch("http://fluxgate.test/graphql", { headers: { upgrade: "websocket", "sec-websocket-protocol": "graphql-ws" } });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe("BAD_REQUEST");
  });

  it("answers a subscription without a token with UNAUTHENTICATED, and one with a bad token likewise", async () => {
    for (const connectionParams of [undefined, { authorization: "Bearer not-a-token" }]) {
      const client = createClient({ url: "ws://fluxgate.test/graphql", webSocketImpl: SelfWebSocket, retryAttempts: 0, connectionParams });
      clients.add(client);
      const payloads = client.iterate({ query: SEED_SUMMARY });
      const outcome = await payloads.next().then((r) => r.value, (errors: { extensions?: { code?: string } }[]) => ({ errors }));
      expect(outcome.errors.map((e: { extensions?: { code?: string } }) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    }
  });
});

describe("evaluationDashboard subscription", () => {
  it("sends summary, rates, top features and distributions in one payload", async () => {
    const m = currentMinute();
    await seedProduction(m);
    const live = await overSse("viewer", `subscription {
      evaluationDashboard(input: { environmentId: "production", intervalMinutes: 60, durationHours: 24 }) {
        generatedAt environmentId environmentKey intervalMinutes
        summary { totalEvaluations successfulEvaluations cacheHitRate topFeatureKey }
        rates { evaluationCount }
        topFeatures { key evaluationCount successRate cacheHitRate }
        distributions {
          byClient { key label evaluationCount share }
          byVariant { key evaluationCount }
          byReason { key evaluationCount }
          byEnvironment { key label evaluationCount }
        }
      }
    }`);
    const dashboard = (await live.next()).data.evaluationDashboard;
    expect(dashboard).toMatchObject({
      environmentId: PROD, environmentKey: "production", intervalMinutes: 60,
      summary: { totalEvaluations: 160, successfulEvaluations: 158, cacheHitRate: 106 / 160, topFeatureKey: "dark_mode" },
      topFeatures: [
        { key: "dark_mode", evaluationCount: 100, successRate: 1, cacheHitRate: 1 },
        { key: "new_checkout_flow", evaluationCount: 60, successRate: 58 / 60, cacheHitRate: 6 / 60 },
      ],
      distributions: {
        byClient: [
          { key: WEB_CLIENT, label: "production server", evaluationCount: 108, share: 108 / 160 },
          { key: null, label: null, evaluationCount: 52, share: 52 / 160 },
        ],
        byVariant: [{ key: null, evaluationCount: 60 }, { key: "on", evaluationCount: 100 }].sort((a, b) => b.evaluationCount - a.evaluationCount),
        byReason: [{ key: "SPLIT", evaluationCount: 100 }, { key: "DEFAULT", evaluationCount: 50 }, { key: "TARGETING_MATCH", evaluationCount: 8 }, { key: "ERROR", evaluationCount: 2 }],
        byEnvironment: [{ key: PROD, label: "production", evaluationCount: 160 }],
      },
    });
    expect(dashboard.rates.length).toBeGreaterThanOrEqual(24);
    expect(dashboard.rates.reduce((sum: number, r: { evaluationCount: number }) => sum + r.evaluationCount, 0)).toBe(160);
    await live.close();
  });
});

describe("the heartbeat", () => {
  it("pushes a payload every heartbeat interval without new counts (a short interval here; 30 s by default)", async () => {
    const deps = controlDeps(env);
    const principal = (await loadPrincipalOf("viewer"))!;
    const payloads = await subscribeEvaluationSummary(deps, principal, { environmentId: "production", durationHours: 1 }, { heartbeatMs: 300 });
    const started = Date.now();
    await payloads.next();
    expect(Date.now() - started).toBeLessThan(1000);
    const first = Date.now();
    await payloads.next();
    await payloads.next();
    const elapsed = Date.now() - first;
    expect(elapsed).toBeGreaterThanOrEqual(2 * 300 - 20);
    expect(elapsed).toBeLessThan(2 * 300 + 1500);
    await payloads.return!();
    expect((await payloads.next()).done).toBe(true);
  });
});

/** The viewer's principal, as the GraphQL context would load it from a fresh session. */
async function loadPrincipalOf(role: "viewer") {
  const token = await tokenOf(role);
  const { sid } = JSON.parse(atob(token.split(".")[1]!.replace(/-/g, "+").replace(/_/g, "/"))) as { sid: string };
  return loadPrincipal(controlDeps(env), DEMO_USER_IDS[role], sid);
}
