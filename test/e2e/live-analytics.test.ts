// The seed README's real-time dashboard subscriptions against the real stack (`npm run dev`),
// verbatim, over both transports: SSE with fetch, and WebSocket with graphql-ws's createClient on
// the `ws` package (what a Node dashboard would run). Then OFREP evaluations of new_checkout_flow in
// production must reach an open subscription within 5 s (the environment object flushes the counts
// to D1 and announces evaluations_counted; the heartbeat alone would take 30 s).
import { createClient, type Client } from "graphql-ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { DEMO_PASSWORD, DEMO_SECRETS } from "../../db/seed/demo-data";
import { SEED_RATES, SEED_SUMMARY } from "../workers/analytics/support/seed-documents";
import { useDevStack } from "./support/use-dev-stack";

const stack = useDevStack();
let token = "";
let client: Client | undefined;

beforeAll(async () => {
  const response = await fetch(`${stack.adminUrl}/graphql`, {
    method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: `mutation($login: String!, $password: String!) { login(input: { login: $login, password: $password }) { accessToken } }`,
      variables: { login: "viewer@acme.test", password: DEMO_PASSWORD },
    }),
  });
  token = ((await response.json()) as { data: { login: { accessToken: string } } }).data.login.accessToken;
}, 60_000);
afterAll(async () => {
  await client?.dispose();
});

type Rate = { timeBucket: string; evaluationCount: number; successCount: number; successRate: number | null; cacheHitRate: number | null };

/** The first `event: next` payload of an SSE subscription. */
async function firstOverSse(query: string): Promise<any> {
  const controller = new AbortController();
  const response = await fetch(`${stack.adminUrl}/graphql`, {
    method: "POST", signal: controller.signal,
    headers: { "content-type": "application/json", accept: "text/event-stream", authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  expect(response.headers.get("content-type")).toContain("text/event-stream");
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const deadline = Date.now() + 5000;
  try {
    while (Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      const complete = buffer.split("\n\n").slice(0, -1); // the last block may still be arriving
      const frame = complete.find((block) => block.startsWith("event: next"));
      if (frame) return JSON.parse(frame.split("\n").find((line) => line.startsWith("data: "))!.slice(6));
    }
    throw new Error(`no payload within 5 s: ${buffer}`);
  } finally {
    controller.abort();
  }
}

describe("the seed's dashboard subscriptions against npm run dev", () => {
  it("evaluationSummary over SSE answers at once", async () => {
    const { data, errors } = await firstOverSse(SEED_SUMMARY);
    expect(errors).toBeUndefined();
    expect(Object.keys(data.evaluationSummary)).toEqual(["totalEvaluations", "successfulEvaluations", "successRate", "cacheHitRate", "generatedAt"]);
    expect(Math.abs(Date.parse(data.evaluationSummary.generatedAt) - Date.now())).toBeLessThan(10_000);
  });

  it("evaluationRates over SSE answers at once, with the seed's fields", async () => {
    const { data, errors } = await firstOverSse(SEED_RATES);
    expect(errors).toBeUndefined();
    expect(data.evaluationRates.length).toBeGreaterThanOrEqual(24);
    expect(Object.keys(data.evaluationRates[0])).toEqual(["timeBucket", "evaluationCount", "successCount", "successRate", "cacheHitRate"]);
  });

  it("evaluationSummary over graphql-transport-ws answers at once", async () => {
    const summaryClient = createClient({
      url: `${stack.adminUrl.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, retryAttempts: 5,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    try {
      const payloads = summaryClient.iterate<{ evaluationSummary: Record<string, unknown> }>({ query: SEED_SUMMARY });
      const first = await payloads.next();
      expect(first.value.errors).toBeUndefined();
      expect(Object.keys(first.value.data!.evaluationSummary)).toEqual(["totalEvaluations", "successfulEvaluations", "successRate", "cacheHitRate", "generatedAt"]);
      await payloads.return?.();
    } finally {
      await summaryClient.dispose();
    }
  });

  it("evaluationRates over graphql-transport-ws answers at once, then within 5 s of OFREP evaluations of new_checkout_flow", async () => {
    client = createClient({
      url: `${stack.adminUrl.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, retryAttempts: 5,
      connectionParams: { authorization: `Bearer ${token}` },
    });
    const payloads = client.iterate<{ evaluationRates: Rate[] }>({ query: SEED_RATES });
    const total = (rates: Rate[]) => rates.reduce((sum, rate) => sum + rate.evaluationCount, 0);
    const first = await payloads.next();
    expect(first.value.errors).toBeUndefined();
    const before = total(first.value.data!.evaluationRates);
    expect(first.value.data!.evaluationRates.length).toBeGreaterThanOrEqual(24);

    const sent = 20;
    for (let i = 0; i < sent; i++) {
      const response = await fetch(`${stack.baseUrl}/ofrep/v1/evaluate/flags/new_checkout_flow`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${DEMO_SECRETS.production}` },
        body: JSON.stringify({ context: { targetingKey: `user-${i}` } }),
      });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    const evaluatedAt = Date.now();
    let latest = before;
    while (latest < before + sent && Date.now() - evaluatedAt < 5000) {
      const next = await Promise.race([payloads.next(), new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000 - (Date.now() - evaluatedAt)))]);
      if (!next || next.done) break;
      latest = total(next.value.data!.evaluationRates);
    }
    expect(latest - before).toBe(sent);
    await payloads.return?.();
  }, 30_000);
});
