// Freshness of the live analytics: from an OFREP evaluation's answer to (a) the environment
// object's evaluations_counted event and (b) the D1 rollups holding the count, through the whole
// path (isolate hand-over within one interval -> location relay -> environment object's ledger ->
// one D1 batch per second). 30 samples, each at a random offset (0-1.5 s) so they do not line up
// with the intervals. The dashboard's own read (a GraphQL subscription re-reading the rollups on
// the event) comes on top. Prints one line: BENCH_FRESHNESS {...}.
//   npx vitest run -c bench/scale/vitest.config.ts bench/scale/freshness.scale.ts
import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
import { DEMO_CLIENT_IDS, DEMO_ENVIRONMENT_IDS, DEMO_SECRETS } from "../../db/seed/demo-data";
import { eventsSocketRequest } from "../../durable-objects/subscriber";
import type { EventMessage } from "../../protocol/stream";
import { SocketClient } from "../../test/workers/delivery/support/socket-client";
import { reseedDemo } from "../../test/workers/support/seed-demo";

const SAMPLES = 30;
const DEV = DEMO_ENVIRONMENT_IDS.development;

const total = async () => (await env.DB.prepare("SELECT COALESCE(SUM(count), 0) AS n FROM evaluation_rollups WHERE client_id = ?1")
  .bind(DEMO_CLIENT_IDS.development).first<{ n: number }>())!.n;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

it("freshness: evaluation to evaluations_counted and to D1", { timeout: 300_000 }, async () => {
  await reseedDemo(env);
  const events = await SocketClient.from(await env.ENVIRONMENTS.getByName(DEV).fetch(eventsSocketRequest()));
  await events.next();
  const toEvent: number[] = [];
  const toD1: number[] = [];
  for (let sample = 0; sample < SAMPLES; sample++) {
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 1_500));
    while (events.pending() > 0) await events.next();
    const before = await total();
    const response = await exports.default.fetch(`http://fluxgate.test/ofrep/v1/evaluate/flags/dark_mode`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${DEMO_SECRETS.development}` },
      body: JSON.stringify({ context: { targetingKey: `user-${sample}` } }),
    });
    await response.arrayBuffer();
    const answered = Date.now();
    let event: EventMessage;
    do event = await events.next<EventMessage>(10_000);
    while (event.event.type !== "evaluations_counted");
    toEvent.push(Date.now() - answered);
    while ((await total()) <= before) {
      if (Date.now() - answered > 10_000) throw new Error("count not in D1 after 10 s");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    toD1.push(Date.now() - answered);
  }
  events.close();
  toEvent.sort((a, b) => a - b);
  toD1.sort((a, b) => a - b);
  const part = {
    part: "freshness", samples: SAMPLES,
    toEventP50Ms: percentile(toEvent, 50), toEventP95Ms: percentile(toEvent, 95),
    toD1P50Ms: percentile(toD1, 50), toD1P95Ms: percentile(toD1, 95), toD1MaxMs: toD1[toD1.length - 1],
  };
  console.log(`BENCH_FRESHNESS ${JSON.stringify(part)}`);
  expect(toD1.length).toBe(SAMPLES);
});
