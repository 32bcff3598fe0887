// Counts equal evaluations sent, whatever happens on the way: isolate -> location relay ->
// environment object's ledger -> D1 (docs/ANALYTICS.md). Each test plays isolates as the Worker
// runs them (a SnapshotCache and a ServerCounter of their own, real relay, object and D1), counts
// under a client id of its own, and checks the rollups hold exactly what was evaluated.
import { abortAllDurableObjects, evictDurableObject, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS } from "../../../db/seed/demo-data";
import { CountStore } from "../../../durable-objects/counts/count-store";
import { applyCountBatch } from "../../../durable-objects/counts/rollup-flush";
import type { EnvironmentObject } from "../../../durable-objects/environment-do";
import { environmentHub } from "../../../durable-objects/hub";
import type { LocationRelay } from "../../../durable-objects/location-relay/relay";
import { relayName } from "../../../durable-objects/location-relay/relay-name";
import { locationRelay } from "../../../durable-objects/location-relay/stub";
import { eventsSocketRequest } from "../../../durable-objects/subscriber";
import { relayName as subscriberRelayName } from "../../../durable-objects/subscriber-relay/naming";
import { evaluateFlag } from "../../../engine";
import type { CountBatch } from "../../../protocol/count-batch";
import { flagSetKvKey } from "../../../protocol/delivery";
import type { EventMessage } from "../../../protocol/stream";
import { ServerCounter } from "../../../workers/evaluation/analytics/server-counts";
import { HANDOVER_ATTEMPTS, SnapshotCache } from "../../../workers/evaluation/data/snapshot-cache";
import { platformSnapshotSource, relayFallbacks, type SnapshotSource } from "../../../workers/evaluation/data/snapshot-source";
import { SocketClient } from "../delivery/support/socket-client";
import { rolloutDarkMode } from "../push/support/rollout";
import { reseedDemo } from "../support/seed-demo";
import { clientTotals, countsSettled } from "./support";

const DEV = DEMO_ENVIRONMENT_IDS.development;
const LOCATION = "count-path";
const settings = { revalidateMs: 1_000, staleAfterMs: 60_000 };

beforeAll(async () => {
  await reseedDemo(env);
});

/** One simulated isolate of the evaluation Worker in `location`. */
function isolate(source: SnapshotSource = platformSnapshotSource(env, () => LOCATION)) {
  const counter = new ServerCounter();
  const cache = new SnapshotCache(Date.now, counter);
  const background: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => void background.push(p) };
  return {
    counter,
    cache,
    /** `n` OFREP-like evaluations of dark_mode, counted as the Worker counts them. */
    async evaluate(clientId: string, n: number, environmentId = DEV): Promise<void> {
      for (let i = 0; i < n; i++) {
        const served = await cache.get(environmentId, source, settings, ctx);
        counter.add(environmentId, clientId, served.cacheHit, evaluateFlag(served.compiled, "dark_mode", { targetingKey: `u-${i}` }));
      }
    },
    /** A request that evaluates nothing countable (it still schedules a hand-over of what waits). */
    async touch(): Promise<void> {
      await cache.get(DEV, source, settings, ctx);
    },
    /** Waits for the request's background work (the scheduled hand-over): what an isolate does before going idle. */
    async settle(): Promise<void> {
      while (background.length > 0) await background.shift();
    },
  };
}

const relayStub = (location = LOCATION) => env.LOCATION_RELAYS.getByName(relayName(DEV, location));
const objectStub = () => env.ENVIRONMENTS.getByName(DEV);
const client = () => `client-${crypto.randomUUID()}`;

async function settledTotals(clientId: string) {
  await countsSettled([DEV], [LOCATION]);
  return clientTotals(clientId);
}

describe("counts reach the rollups exactly once", () => {
  it("hands an isolate's counts over within seconds, with its client and the answers served from memory", async () => {
    const clientId = client();
    const one = isolate();
    await one.evaluate(clientId, 20);
    await one.settle();
    expect(one.counter.has(DEV)).toBe(false);
    const totals = await settledTotals(clientId);
    expect(totals.count).toBe(20);
    // The first answer may have waited for KV or the relay (a cold cache); all others came from memory.
    expect([19, 20]).toContain(totals.cacheHits);
  });

  it("retries counts whose acknowledgement was lost (the relay stored them) without counting them twice", async () => {
    const clientId = client();
    const real = platformSnapshotSource(env, () => LOCATION);
    let loseNext = 0;
    const lossy: SnapshotSource = {
      ...real,
      sync: async (id, request) => {
        const answer = await real.sync(id, request);
        if (request.counts.length > 0 && loseNext > 0) {
          loseNext--;
          throw new Error("Network connection lost.");
        }
        return answer;
      },
    };
    const one = isolate(lossy);
    await one.evaluate(clientId, 1);
    await one.settle();
    loseNext = 1;
    await one.evaluate(clientId, 9);
    await one.settle(); // the first hand-over's answer is lost; the next one resends the same batch
    expect(loseNext).toBe(0);
    expect(one.counter.has(DEV)).toBe(false);
    expect((await settledTotals(clientId)).count).toBe(10);
  });

  it("keeps counts whose sync failed before reaching the relay, and hands them over with the next one", async () => {
    const clientId = client();
    const real = platformSnapshotSource(env, () => LOCATION);
    let failNext = 0;
    const failing: SnapshotSource = {
      ...real,
      sync: async (id, request) => {
        if (request.counts.length > 0 && failNext > 0) {
          failNext--;
          throw new Error("Network connection lost.");
        }
        return real.sync(id, request);
      },
    };
    const one = isolate(failing);
    await one.evaluate(clientId, 1);
    await one.settle();
    failNext = 1;
    await one.evaluate(clientId, 4);
    await one.settle();
    expect(failNext).toBe(0);
    expect((await settledTotals(clientId)).count).toBe(5);
  });

  it("loses nothing when an isolate is evicted after going idle: its successor's counts add up", async () => {
    const clientId = client();
    const first = isolate();
    await first.evaluate(clientId, 7);
    await first.settle(); // the request's waitUntil ends; the runtime may now evict the isolate
    expect(first.counter.has(DEV)).toBe(false);
    const second = isolate(); // fresh module state: a new cache and counter
    await second.evaluate(clientId, 3);
    await second.settle();
    expect((await settledTotals(clientId)).count).toBe(10);
  });

  it("forwards counts a restarted relay had acknowledged but not yet forwarded", async () => {
    const clientId = client();
    const one = isolate();
    await one.evaluate(clientId, 1);
    await one.settle(); // the relay asked the object just now: the next counts wait for its next interval
    const batch: CountBatch = {
      id: `test:${crypto.randomUUID()}`, environmentId: DEV,
      rows: [{ minute: Math.floor(Date.now() / 60_000), flagKey: "dark_mode", variant: "on", reason: "SPLIT", clientId, count: 5, cacheHits: 5 }],
    };
    expect((await locationRelay(env, DEV, LOCATION).sync({ version: 0, contentHash: "", counts: [batch] })).acked).toEqual([batch.id]);
    const waiting = await runInDurableObject(relayStub(), (_: LocationRelay, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM relay_rows").one().n);
    expect(waiting).toBe(1);
    await evictDurableObject(relayStub());
    await runDurableObjectAlarm(relayStub()); // the restarted relay's alarm forwards what it stored
    expect((await settledTotals(clientId)).count).toBe(6);
  });

  it("adds a batch once when the object restarted between the D1 write and forgetting the batch", async () => {
    const clientId = client();
    const batch: CountBatch = {
      id: `test:${crypto.randomUUID()}`, environmentId: DEV,
      rows: [{ minute: Math.floor(Date.now() / 60_000), flagKey: "dark_mode", variant: "off", reason: "DEFAULT", clientId, count: 4, cacheHits: 1 }],
    };
    // The ledger received and sealed the batch and D1 committed it; then the object died.
    const sealedId = await runInDurableObject(objectStub(), async (_: EnvironmentObject, state) => {
      const store = new CountStore(state.storage, "ledger", () => DEV);
      store.receive([batch], Date.now());
      const sealed = store.sealed(() => `${DEV}:test-flush-${crypto.randomUUID()}`)!;
      await applyCountBatch(env.DB, sealed, Date.now());
      return sealed.id;
    });
    await evictDurableObject(objectStub());
    expect(await clientTotals(clientId)).toEqual({ count: 4, cacheHits: 1 });
    // The restarted object still holds the sealed batch and flushes it again: D1 recognises its id.
    await environmentHub(env, DEV).sync({ version: 0, contentHash: "", counts: [] }); // arms the flush alarm
    await runDurableObjectAlarm(objectStub());
    await countsSettled([DEV], [LOCATION]);
    expect(await clientTotals(clientId)).toEqual({ count: 4, cacheHits: 1 });
    const applied = await env.DB.prepare("SELECT COUNT(*) AS n FROM rollup_batches WHERE id = ?1").bind(sealedId).first<{ n: number }>();
    expect(applied?.n).toBe(1);
  });

  it("applies the same flush batch once however often it is sent", async () => {
    const clientId = client();
    const batch: CountBatch = {
      id: `test:${crypto.randomUUID()}`, environmentId: DEV,
      rows: [{ minute: Math.floor(Date.now() / 60_000), flagKey: "BetaUsers", variant: "on", reason: "TARGETING_MATCH", clientId, count: 3, cacheHits: 3 }],
    };
    await applyCountBatch(env.DB, batch, Date.now());
    await applyCountBatch(env.DB, batch, Date.now());
    expect(await clientTotals(clientId)).toEqual({ count: 3, cacheHits: 3 });
  });

  it("stores a batch sent twice once in each receiver (counts take one path: isolates send them only to their relay)", async () => {
    const clientId = client();
    const batch: CountBatch = {
      id: `test:${crypto.randomUUID()}`, environmentId: DEV,
      rows: [{ minute: Math.floor(Date.now() / 60_000), flagKey: "dark_mode", variant: "on", reason: "SPLIT", clientId, count: 2, cacheHits: 0 }],
    };
    const request = { version: 0, contentHash: "", counts: [batch] };
    await locationRelay(env, DEV, LOCATION).sync(request);
    await locationRelay(env, DEV, LOCATION).sync(request);
    await environmentHub(env, DEV).sync(request);
    await environmentHub(env, DEV).sync(request);
    expect((await settledTotals(clientId)).count).toBe(4); // once through the relay, once direct: two receivers, one each
  });

  it("counts exactly what was evaluated while the relay and the object restart mid-flight", async () => {
    const clientId = client();
    const fleet = Array.from({ length: 4 }, () => isolate());
    for (let round = 0; round < 5; round++) {
      await Promise.all(fleet.map((one) => one.evaluate(clientId, 5)));
      if (round % 2 === 1) await abortAllDurableObjects(); // relay and object lose their memory, calls in flight fail
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    await Promise.all(fleet.map((one) => one.settle()));
    // What a hand-over could not deliver stays with its isolate until its next request.
    for (const one of fleet) if (one.counter.has(DEV)) await one.touch();
    await Promise.all(fleet.map((one) => one.settle()));
    expect(fleet.map((one) => one.counter.has(DEV))).toEqual([false, false, false, false]);
    expect((await settledTotals(clientId)).count).toBe(4 * 5 * 5);
  });
});

describe("a deleted environment", () => {
  it("drops its counts at the isolate and the relay instead of retrying them forever", async () => {
    // An environment that exists only as a KV copy: its object answers ENVIRONMENT_NOT_FOUND.
    const orphan = "00000000-0000-4000-8000-0000000000fd";
    await env.FLAGS_KV.put(flagSetKvKey(orphan), JSON.stringify(await environmentHub(env, DEV).getSnapshot()));
    const one = isolate();
    await one.evaluate(client(), 3, orphan);
    await one.settle();
    expect(one.counter.has(orphan)).toBe(false);
    const left = await runInDurableObject(env.LOCATION_RELAYS.getByName(relayName(orphan, LOCATION)), (_: LocationRelay, state) =>
      state.storage.sql.exec<{ n: number }>("SELECT (SELECT COUNT(*) FROM relay_rows) + (SELECT COUNT(*) FROM relay_sealed) AS n").one().n);
    expect(left).toBe(0);
  });
});

describe("live analytics", () => {
  it("announces evaluations_counted with the minutes written, after each flush", async () => {
    const events = await SocketClient.from(await objectStub().fetch(eventsSocketRequest()));
    await events.next(); // current
    const minute = Math.floor(Date.now() / 60_000);
    const batch: CountBatch = {
      id: `test:${crypto.randomUUID()}`, environmentId: DEV,
      rows: [{ minute, flagKey: "dark_mode", variant: "on", reason: "SPLIT", clientId: client(), count: 1, cacheHits: 1 }],
    };
    await environmentHub(env, DEV).sync({ version: 0, contentHash: "", counts: [batch] });
    const message = await events.next<EventMessage>(4_000); // within one flush interval
    expect(message).toEqual({ type: "event", event: { type: "evaluations_counted", environmentId: DEV, minutes: [minute], at: expect.any(String) } });
    events.close();
  });
});

describe("live analytics through the relay tier", () => {
  it("reaches the events sockets of a subscriber relay too (where GraphQL subscriptions listen)", async () => {
    const relay = env.RELAYS.getByName(subscriberRelayName(DEV, "any", 0));
    const events = await SocketClient.from(await relay.fetch(eventsSocketRequest()));
    expect((await events.next()).type).toBe("current");
    const minute = Math.floor(Date.now() / 60_000);
    const batch: CountBatch = {
      id: `test:${crypto.randomUUID()}`, environmentId: DEV,
      rows: [{ minute, flagKey: "dark_mode", variant: "on", reason: "SPLIT", clientId: client(), count: 1, cacheHits: 1 }],
    };
    await environmentHub(env, DEV).sync({ version: 0, contentHash: "", counts: [batch] });
    let message = await events.next<EventMessage>(4_000);
    // Anything else the relay forwards first (a flags_changed of another test) is skipped.
    while (message.event?.type !== "evaluations_counted") message = await events.next<EventMessage>(4_000);
    expect(message).toEqual({ type: "event", event: { type: "evaluations_counted", environmentId: DEV, minutes: [minute], at: expect.any(String) } });
    events.close();
  });
});

describe("load on the environment object", () => {
  it("takes about one call per second from a location whatever its number of isolates", async () => {
    const location = "load-test";
    const source = platformSnapshotSource(env, () => location);
    const fleet = Array.from({ length: 16 }, () => isolate(source));
    await Promise.all(fleet.map((one) => one.evaluate(client(), 1)));
    const calls = () => runInDurableObject(objectStub(), (instance: EnvironmentObject) => instance.syncCalls);
    const fallbacks = relayFallbacks.count;
    const before = await calls();
    const started = Date.now();
    while (Date.now() - started < 3_000) {
      await Promise.all(fleet.map((one) => one.evaluate("load", 1)));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await Promise.all(fleet.map((one) => one.settle()));
    const elapsedS = (Date.now() - started) / 1000;
    const objectCalls = (await calls()) - before;
    // One relay call per second (plus the last interval's forwarding), never one per isolate.
    expect(objectCalls).toBeGreaterThanOrEqual(2);
    expect(objectCalls).toBeLessThanOrEqual(Math.ceil(elapsedS) + 2);
    expect(relayFallbacks.count).toBe(fallbacks);
  });
});

describe("an unreachable relay", () => {
  it("makes the isolate revalidate against the object directly, once per interval, keeping its counts for the relay", async () => {
    const unreachable = { getByName: () => ({ sync: () => Promise.reject(new Error("Network connection lost.")) }) };
    const source = platformSnapshotSource({ ...env, LOCATION_RELAYS: unreachable } as unknown as typeof env, () => LOCATION);
    const counter = new ServerCounter();
    const cache = new SnapshotCache(Date.now, counter);
    const background: Promise<unknown>[] = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => void background.push(p) };
    const fallbacks = relayFallbacks.count;
    const started = Date.now();
    const served = await cache.get(DEV, source, settings, ctx); // cold: the KV copy, then a direct revalidation
    counter.add(DEV, client(), served.cacheHit, evaluateFlag(served.compiled, "dark_mode", { targetingKey: "u" }));
    for (let i = 0; i < 20; i++) {
      await cache.get(DEV, source, settings, ctx);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    while (background.length > 0) await background.shift();
    expect(cache.describe(settings)).toMatchObject([{ id: DEV, stale: false, durableObjectReachable: true }]);
    // One direct call per interval at most (the first at once for the cold load), never one per request.
    const intervals = Math.ceil((Date.now() - started) / settings.revalidateMs);
    expect(relayFallbacks.count - fallbacks).toBeGreaterThanOrEqual(2);
    expect(relayFallbacks.count - fallbacks).toBeLessThanOrEqual(intervals + 1);
    expect(counter.has(DEV)).toBe(true); // the counts wait for the relay
  });
});

describe("a version the caller knows exists (an event-stream notice, OFREP's flagConfigEtag)", () => {
  it("makes the relay ask the object again even when its last call was made just before the change", async () => {
    const location = "known-version";
    const relay = locationRelay(env, DEV, location);
    const first = (await relay.sync({ version: 0, contentHash: "", counts: [] })).document!;
    await rolloutDarkMode(100);
    const current = (await environmentHub(env, DEV).getSnapshot()).version;
    expect(current).toBeGreaterThan(first.version);
    // The relay's interval call happened an instant ago, before the change reached it.
    await runInDurableObject(relayStub(location), (instance: LocationRelay) => {
      (instance as unknown as { askedAt: number }).askedAt = Date.now();
    });
    const answer = await relay.sync({ version: first.version, contentHash: first.contentHash, counts: [], atLeastVersion: current });
    expect(answer.document?.version).toBe(current);
    // A plain sync within the interval is answered from what the relay holds, without a call.
    const calls = await runInDurableObject(relayStub(location), (instance: LocationRelay) => instance.upstreamCalls);
    await relay.sync({ version: current, contentHash: answer.document!.contentHash, counts: [] });
    expect(await runInDurableObject(relayStub(location), (instance: LocationRelay) => instance.upstreamCalls)).toBe(calls);
  });
});
