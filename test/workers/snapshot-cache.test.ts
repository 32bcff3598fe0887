// The isolate snapshot cache against the real KV, location relay and environment Durable Object:
// KV first for a cold isolate, the object (through the relay) when KV has nothing, background
// revalidation (one call in flight),
// fail static with `stale` after SNAPSHOT_STALE_AFTER_MS, a D1 change reaching evaluation, and new
// content reaching evaluation after the object lost its storage and restarted its versions.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { beforeAll, describe, expect, it } from "vitest";
import { rules } from "../../db/schema";
import { DEMO_ENVIRONMENT_IDS, demoRuleId } from "../../db/seed/demo-data";
import { environmentHub } from "../../durable-objects/hub";
import { publishEnvironment } from "../../durable-objects/publish";
import { evaluateFlag, type FlagSetDocument } from "../../engine";
import { flagSetKvKey } from "../../protocol/delivery";
import { ApiError } from "../../workers/evaluation/data/errors";
import { ofrepFlag } from "../../workers/evaluation/data/result-shapes";
import { ServerCounter } from "../../workers/evaluation/analytics/server-counts";
import { SNAPSHOT_CONFIRM_WAIT_MS, SnapshotCache } from "../../workers/evaluation/data/snapshot-cache";
import { platformSnapshotSource, type SnapshotSource } from "../../workers/evaluation/data/snapshot-source";
import { resetEnvironmentObjects } from "./support/environment-objects";
import { seedDemo } from "./support/seed-demo";
import { ofrep } from "./api-support";

const DEV = DEMO_ENVIRONMENT_IDS.development;
const STAGING = DEMO_ENVIRONMENT_IDS.staging;
const settings = { revalidateMs: 1_000, staleAfterMs: 60_000 };

beforeAll(async () => {
  await seedDemo(env);
});

/** The real source, counting the calls made through it. */
function countingSource() {
  const real = platformSnapshotSource(env);
  const calls = { readStored: 0, fetchCurrent: 0, sync: 0 };
  const source: SnapshotSource = {
    readStored: (id) => (calls.readStored++, real.readStored(id)),
    fetchCurrent: (id) => (calls.fetchCurrent++, real.fetchCurrent(id)),
    sync: (id, request) => (calls.sync++, real.sync(id, request)),
  };
  return { source, calls };
}

/** A cache on a hand-moved clock (with no counts of its own), and the background work it hands to waitUntil. */
function harness() {
  const clock = { now: 1_000_000 };
  const cache = new SnapshotCache(() => clock.now, new ServerCounter("snapshot-cache-test"), async () => {});
  const background: Promise<unknown>[] = [];
  const ctx = { waitUntil: (p: Promise<unknown>) => void background.push(p) };
  const settle = async () => {
    while (background.length > 0) await background.shift();
  };
  return { clock, cache, ctx, settle };
}

describe("SnapshotCache", () => {
  it("loads from the Durable Object when KV has no copy, and shares one load among concurrent requests", async () => {
    await env.FLAGS_KV.delete(flagSetKvKey(STAGING));
    const { cache, ctx } = harness();
    const { source, calls } = countingSource();
    const served = await Promise.all(Array.from({ length: 10 }, () => cache.get(STAGING, source, settings, ctx)));
    expect(new Set(served.map((s) => s.compiled)).size).toBe(1);
    expect(served[0]!.compiled.environment.key).toBe("staging");
    expect(calls).toEqual({ readStored: 1, fetchCurrent: 1, sync: 0 });
    expect(cache.describe(settings)).toMatchObject([{ id: STAGING, source: "do", stale: false, durableObjectReachable: true }]);
  });

  it("serves a cold isolate the KV copy at once, then brings it up to the Durable Object's version", async () => {
    const current = await environmentHub(env, DEV).getSnapshot();
    const older: FlagSetDocument = { ...current, version: current.version + 41 };
    await env.FLAGS_KV.put(flagSetKvKey(DEV), JSON.stringify(older));
    const { cache, ctx, settle } = harness();
    const first = await cache.get(DEV, platformSnapshotSource(env), settings, ctx);
    expect(first.compiled.version).toBe(current.version + 41);
    await settle();
    const second = await cache.get(DEV, platformSnapshotSource(env), settings, ctx);
    expect(second.compiled.version).toBe(current.version);
    expect(cache.describe(settings)).toMatchObject([{ source: "do", version: current.version }]);
    await env.FLAGS_KV.put(flagSetKvKey(DEV), JSON.stringify(current));
  });

  it("revalidates only after SNAPSHOT_REVALIDATE_MS, with one call in flight however many requests arrive", async () => {
    const { clock, cache, ctx, settle } = harness();
    const { source, calls } = countingSource();
    await cache.get(STAGING, source, settings, ctx);
    await settle();
    const before = calls.sync;
    clock.now += 999;
    await Promise.all(Array.from({ length: 5 }, () => cache.get(STAGING, source, settings, ctx)));
    expect(calls.sync).toBe(before);
    clock.now += 1;
    await Promise.all(Array.from({ length: 20 }, () => cache.get(STAGING, source, settings, ctx)));
    await settle();
    expect(calls.sync).toBe(before + 1);
  });

  it("keeps serving the last good snapshot when the Durable Object fails, and marks it stale after 60 s", async () => {
    // An environment that exists only as a KV copy: its object answers ENVIRONMENT_NOT_FOUND.
    const orphan = "00000000-0000-4000-8000-0000000000ff";
    const document = await environmentHub(env, DEV).getSnapshot();
    await env.FLAGS_KV.put(flagSetKvKey(orphan), JSON.stringify(document));
    const { clock, cache, ctx, settle } = harness();
    const source = platformSnapshotSource(env);
    expect((await cache.get(orphan, source, settings, ctx)).stale).toBe(false);
    await settle();
    const [health] = cache.describe(settings);
    expect(health).toMatchObject({ id: orphan, version: document.version, stale: false, durableObjectReachable: false });
    expect(health!.lastError).toContain("ENVIRONMENT_NOT_FOUND");

    clock.now += 60_000;
    expect((await cache.get(orphan, source, settings, ctx)).stale).toBe(false);
    await settle();
    clock.now += 1;
    const stale = await cache.get(orphan, source, settings, ctx);
    expect(stale.stale).toBe(true);
    expect(stale.compiled.version).toBe(document.version);
    expect(cache.describe(settings)).toMatchObject([{ stale: true, ageMs: 60_001 }]);
    // Results from a stale snapshot say so in their metadata.
    expect(ofrepFlag(evaluateFlag(stale.compiled, "legacy_search", {}), stale.stale)).toEqual({
      key: "legacy_search", value: false, reason: "DISABLED", variant: "off",
      metadata: { flagSetVersion: document.version, environment: "development", stale: true },
    });
  });

  it("after 61 s idle asks the reachable Durable Object before answering: not stale (stale means unconfirmed, not unasked)", async () => {
    const { clock, cache, ctx, settle } = harness();
    const { source, calls } = countingSource();
    await cache.get(STAGING, source, settings, ctx);
    await settle();
    const before = calls.sync;
    clock.now += 61_000;
    const served = await cache.get(STAGING, source, settings, ctx);
    expect(served.stale).toBe(false);
    expect(calls.sync).toBe(before + 1);
    expect(cache.describe(settings)).toMatchObject([{ id: STAGING, stale: false, ageMs: 0, durableObjectReachable: true }]);
  });

  it("after idle, waits a bounded time for an object that does not answer, then serves the last good snapshot as stale", async () => {
    const { clock, cache, ctx, settle } = harness();
    const real = platformSnapshotSource(env);
    let hang = false;
    let calls = 0;
    let cutOff: (error: Error) => void = () => {};
    const source: SnapshotSource = {
      ...real,
      sync: (id, request) => {
        calls++;
        return hang ? new Promise((_, reject) => (cutOff = reject)) : real.sync(id, request);
      },
    };
    const first = await cache.get(STAGING, source, settings, ctx);
    await settle();
    hang = true;
    clock.now += 61_000;
    const started = Date.now();
    const served = await cache.get(STAGING, source, settings, ctx);
    const waited = Date.now() - started;
    expect(served).toEqual({ compiled: first.compiled, stale: true, cacheHit: false }); // it waited for the object
    expect(waited).toBeGreaterThanOrEqual(SNAPSHOT_CONFIRM_WAIT_MS - 20);
    expect(waited).toBeLessThan(SNAPSHOT_CONFIRM_WAIT_MS + 1_000);
    expect(calls).toBe(2);
    cutOff(new Error("Network connection lost."));
    await settle();
    expect(cache.describe(settings)).toMatchObject([{ stale: true, durableObjectReachable: false, lastError: "Network connection lost." }]);
    // The failed attempt is this interval's: the next request answers stale at once, without asking again.
    expect(await cache.get(STAGING, source, settings, ctx)).toEqual({ compiled: first.compiled, stale: true, cacheHit: true });
    expect(calls).toBe(2);
    // A revalidation interval later the object is asked again, and once it answers the entry is fresh.
    hang = false;
    clock.now += settings.revalidateMs;
    expect((await cache.get(STAGING, source, settings, ctx)).stale).toBe(false);
    expect(calls).toBe(3);
  });

  it("answers 503 SNAPSHOT_UNAVAILABLE when neither KV nor the Durable Object has a snapshot", async () => {
    const { cache, ctx } = harness();
    const error = await cache.get("00000000-0000-4000-8000-0000000000fe", platformSnapshotSource(env), settings, ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 503, code: "SNAPSHOT_UNAVAILABLE" });
  });
});

describe("a published D1 change reaches evaluation", () => {
  it("serves the new rule within the isolate's and the relay's intervals plus the round trips", async () => {
    const admin = { targetingKey: "user-1", role: "admin" };
    const before = (await ofrep("BetaUsers", admin)).json;
    expect(before).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
    const version = before.metadata.flagSetVersion as number;

    await drizzle(env.DB).update(rules)
      .set({ match: [{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: "owner" }] }] })
      .where(eq(rules.id, demoRuleId("BetaUsers", "development")));
    expect(await publishEnvironment(env, DEV)).toMatchObject({ version: version + 1, changed: true });

    const started = Date.now();
    let after = before;
    while (after.metadata.flagSetVersion === version && Date.now() - started < 5_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = (await ofrep("BetaUsers", admin)).json;
    }
    expect(after).toMatchObject({ value: false, reason: "DEFAULT", metadata: { flagSetVersion: version + 1 } });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect((await ofrep("BetaUsers", { ...admin, role: "owner" })).json).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
  });
});

/** Makes development's BetaUsers rule target `role` and publishes after wiping the object's storage. */
async function republishFromScratch(role: string) {
  await resetEnvironmentObjects(env.ENVIRONMENTS, [DEV]);
  await drizzle(env.DB).update(rules)
    .set({ match: [{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: role }] }] })
    .where(eq(rules.id, demoRuleId("BetaUsers", "development")));
  return publishEnvironment(env, DEV);
}

describe("an environment object that lost its storage", () => {
  it("replaces a cached snapshot of the same version when the content differs", async () => {
    expect(await republishFromScratch("editor")).toMatchObject({ version: 1, changed: true });
    const { clock, cache, ctx, settle } = harness();
    const source = platformSnapshotSource(env);
    await cache.get(DEV, source, settings, ctx);
    await settle();
    const before = await cache.get(DEV, source, settings, ctx);
    expect(before.compiled.version).toBe(1);
    expect(evaluateFlag(before.compiled, "BetaUsers", { targetingKey: "u", role: "editor" }).reason).toBe("TARGETING_MATCH");

    expect(await republishFromScratch("auditor")).toMatchObject({ version: 1, changed: true });
    clock.now += settings.revalidateMs;
    await cache.get(DEV, source, settings, ctx);
    await settle();
    const after = await cache.get(DEV, source, settings, ctx);
    expect(after.compiled.version).toBe(1);
    expect(evaluateFlag(after.compiled, "BetaUsers", { targetingKey: "u", role: "auditor" }))
      .toMatchObject({ value: true, reason: "TARGETING_MATCH" });
    expect(evaluateFlag(after.compiled, "BetaUsers", { targetingKey: "u", role: "editor" }))
      .toMatchObject({ value: false, reason: "DEFAULT" });
  });

  it("reaches the Worker's evaluation within the isolate's and the relay's intervals plus the round trips", async () => {
    const waitFor = async (role: string) => {
      const started = Date.now();
      let answer = (await ofrep("BetaUsers", { targetingKey: "u", role })).json;
      while (answer.reason !== "TARGETING_MATCH" && Date.now() - started < 5_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        answer = (await ofrep("BetaUsers", { targetingKey: "u", role })).json;
      }
      return { answer, elapsed: Date.now() - started };
    };
    expect(await republishFromScratch("editor")).toMatchObject({ version: 1, changed: true });
    expect((await waitFor("editor")).answer).toMatchObject({ value: true, metadata: { flagSetVersion: 1 } });

    expect(await republishFromScratch("auditor")).toMatchObject({ version: 1, changed: true });
    const { answer, elapsed } = await waitFor("auditor");
    expect(answer).toMatchObject({ value: true, reason: "TARGETING_MATCH", metadata: { flagSetVersion: 1 } });
    expect(elapsed).toBeLessThan(3_000);
    expect((await ofrep("BetaUsers", { targetingKey: "u", role: "editor" })).json).toMatchObject({ value: false, reason: "DEFAULT" });
  });
});
