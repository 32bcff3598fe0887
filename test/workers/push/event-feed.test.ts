// The Worker's side of an environment object's events socket (workers/evaluation/delivery/event-feed.ts):
// the current snapshot id first, events after it, a reconnect after the object restarts that
// never hides a missed version, and a clean end.
import { env } from "cloudflare:workers";
import { abortAllDurableObjects } from "cloudflare:test";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_CLIENT_IDS, DEMO_ENVIRONMENT_IDS, DEMO_SECRET_HASHES, demoRuleId } from "../../../db/seed/demo-data";
import { environmentHub } from "../../../durable-objects/hub";
import { backoffDelayMs, onCurrent, openEventFeed, type FeedItem } from "../../../workers/evaluation/delivery/event-feed";
import { resetEnvironmentObjects } from "../support/environment-objects";
import { reseedDemo } from "../support/seed-demo";

const STAGING = DEMO_ENVIRONMENT_IDS.staging;
const hub = () => environmentHub(env, STAGING);
const changeBetaUsers = (role: string) => env.DB.prepare("UPDATE rules SET match = ? WHERE id = ?").bind(
  JSON.stringify([{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: role }] }]),
  demoRuleId("BetaUsers", "staging"),
).run();

async function take(iterator: AsyncIterator<FeedItem>, timeoutMs = 3000): Promise<FeedItem | "timeout" | "done"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const result = await Promise.race([
    iterator.next(),
    new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs))),
  ]);
  clearTimeout(timer);
  return result === "timeout" ? result : result.done ? "done" : result.value;
}

beforeEach(async () => {
  await reseedDemo(env);
  await resetEnvironmentObjects(env.ENVIRONMENTS, Object.values(DEMO_ENVIRONMENT_IDS));
});

describe("onCurrent (what a reconnection's current id means)", () => {
  const at = new Date("2026-11-25T12:00:00.000Z");
  it("passes the first id on, hides an unchanged one and turns a changed one into a resynced flags_changed", () => {
    expect(onCurrent("e", null, { version: 3, contentHash: "h3" }, at)).toEqual({ type: "current", snapshot: { version: 3, contentHash: "h3" } });
    expect(onCurrent("e", { version: 3, contentHash: "h3" }, { version: 3, contentHash: "h3" }, at)).toBeNull();
    expect(onCurrent("e", { version: 3, contentHash: null }, { version: 3, contentHash: "h3" }, at)).toBeNull();
    const moved = { type: "event", resynced: true, event: { type: "flags_changed", environmentId: "e", version: 5, flags: [], at: at.toISOString() } };
    expect(onCurrent("e", { version: 3, contentHash: "h3" }, { version: 5, contentHash: "h5" }, at)).toEqual(moved);
    // Storage lost: the versions restarted, an equal number names other content.
    expect(onCurrent("e", { version: 5, contentHash: "old" }, { version: 5, contentHash: "h5" }, at)).toEqual(moved);
  });

  it("backs off with full jitter under a growing cap", () => {
    const options = { baseMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 10].map((attempt) => backoffDelayMs(attempt, options, () => 0.999))).toEqual([99, 199, 399, 799, 999, 999]);
    expect(backoffDelayMs(3, options, () => 0)).toBe(0);
  });
});

describe("openEventFeed against a real environment object", () => {
  it("yields the current id, then flags_changed with the changed keys on a publish", async () => {
    const feed = openEventFeed(env.ENVIRONMENTS, STAGING, {});
    const items = feed[Symbol.asyncIterator]();
    const snapshot = await hub().getSnapshot();
    expect(await take(items)).toEqual({ type: "current", snapshot: { version: snapshot.version, contentHash: snapshot.contentHash } });
    await changeBetaUsers("owner");
    await hub().publish();
    expect(await take(items)).toMatchObject({ type: "event", event: { type: "flags_changed", environmentId: STAGING, version: snapshot.version + 1, flags: ["BetaUsers"] } });
    feed.close();
    expect(await take(items)).toBe("done");
  });

  it("reconnects after the object restarts and reports a version it missed meanwhile", async () => {
    const feed = openEventFeed(env.ENVIRONMENTS, STAGING, { backoff: { baseMs: 300, maxMs: 300 } });
    const items = feed[Symbol.asyncIterator]();
    const first = await take(items);
    expect(first).toMatchObject({ type: "current" });
    const version = (first as Extract<FeedItem, { type: "current" }>).snapshot.version;
    await abortAllDurableObjects();
    await changeBetaUsers("owner");
    await hub().publish();
    const next = await take(items, 5000);
    expect(next).toMatchObject({ type: "event", event: { type: "flags_changed", environmentId: STAGING, version: version + 1 } });
    // Exactly one notice for that version, whether the feed was back before the publish or not.
    expect(await take(items, 700)).toBe("timeout");
    await items.return!();
    expect(await take(items)).toBe("done");
  });

  it("reconnects without any notice when nothing changed", async () => {
    const feed = openEventFeed(env.ENVIRONMENTS, STAGING, { backoff: { baseMs: 50, maxMs: 50 } });
    const items = feed[Symbol.asyncIterator]();
    expect(await take(items)).toMatchObject({ type: "current" });
    await abortAllDurableObjects();
    await hub().getSnapshot(); // the object is back
    expect(await take(items, 1000)).toBe("timeout");
    feed.close();
  });

  it("ends for good, with CREDENTIAL_REVOKED, when the client it serves is disabled", async () => {
    const feed = openEventFeed(env.ENVIRONMENTS, STAGING, {
      subscriber: { type: "client", clientId: DEMO_CLIENT_IDS.staging, secretHash: DEMO_SECRET_HASHES.staging },
    });
    const items = feed[Symbol.asyncIterator]();
    expect(await take(items)).toMatchObject({ type: "current" });
    await env.DB.prepare("UPDATE clients SET enabled = 0 WHERE id = ?").bind(DEMO_CLIENT_IDS.staging).run();
    await hub().publish();
    expect(await take(items)).toBe("done");
    expect(feed.endReason).toBe("CREDENTIAL_REVOKED");
  });

  it("ends at once when its signal aborts", async () => {
    const controller = new AbortController();
    const feed = openEventFeed(env.ENVIRONMENTS, STAGING, { signal: controller.signal });
    const items = feed[Symbol.asyncIterator]();
    expect(await take(items)).toMatchObject({ type: "current" });
    controller.abort();
    expect(await take(items)).toBe("done");
    expect(feed.endReason).toBeNull();
  });
});
