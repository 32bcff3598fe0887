// Evaluation counts: aggregation per (flag, variant, reason), batch size bound, retries with a cap,
// the pending bound, and never an exception to the caller; uploads go to a real HTTP peer.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EvaluationCounter, httpCountSender, type EvaluationCountBatch } from "../../../sdk/src/evaluation-counts";
import { startStreamPeer, type StreamPeer } from "./support/stream-peer";

let peer: StreamPeer;
let counter: EvaluationCounter | undefined;
beforeEach(async () => {
  peer = await startStreamPeer();
});
afterEach(async () => {
  await counter?.close();
  counter = undefined;
  await peer.stop();
});

const batches = () => peer.httpRequests.map((r) => JSON.parse(r.body) as EvaluationCountBatch);
const noRetryWait = { initialMs: 0, maxMs: 0 };

describe("evaluation counts", () => {
  it("aggregates by (flag, variant, reason) and posts one batch with the contract's fields on flush", async () => {
    peer.httpStatus = 202;
    counter = new EvaluationCounter(httpCountSender(peer.baseUrl, "fg_secret"), { flushIntervalMs: 60_000 });
    for (let i = 0; i < 12; i++) counter.record("dark_mode", "on", "SPLIT");
    counter.record("dark_mode", "off", "SPLIT");
    counter.record("legacy_search", null, "DISABLED");
    await counter.flush();
    expect(peer.httpRequests).toHaveLength(1);
    expect(peer.httpRequests[0]).toMatchObject({ method: "POST", url: "/v1/evaluation-counts", authorization: "Bearer fg_secret" });
    const [batch] = batches();
    expect(batch!.sdk).toBe("fluxgate-sdk/0.1.0");
    expect(batch!.reportId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(batch!.windowStart)).toBeLessThanOrEqual(Date.parse(batch!.windowEnd));
    expect(batch!.counts).toEqual([
      { flag: "dark_mode", variant: "on", reason: "SPLIT", count: 12 },
      { flag: "dark_mode", variant: "off", reason: "SPLIT", count: 1 },
      { flag: "legacy_search", variant: null, reason: "DISABLED", count: 1 },
    ]);
    expect(counter.stats).toEqual({ sentEntries: 3, droppedEntries: 0, pendingBatches: 0 });
    await counter.flush();
    expect(peer.httpRequests).toHaveLength(1); // nothing new, nothing sent
  });

  it("holds at most maxEntries distinct entries per window: the next one uploads the full window at once", async () => {
    peer.httpStatus = 202;
    counter = new EvaluationCounter(httpCountSender(peer.baseUrl, "s"), { flushIntervalMs: 60_000, maxEntries: 3 });
    for (const flag of ["a", "b", "c"]) counter.record(flag, "on", "STATIC");
    counter.record("a", "on", "STATIC");
    expect(peer.httpRequests).toHaveLength(0);
    counter.record("d", "on", "STATIC");
    for (let i = 0; i < 100 && peer.httpRequests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(batches().map((b) => b.counts.map((c) => [c.flag, c.count]))).toEqual([[["a", 2], ["b", 1], ["c", 1]]]);
    await counter.flush();
    expect(batches().map((b) => b.counts.map((c) => c.flag))).toEqual([["a", "b", "c"], ["d"]]);
  });

  it("counts shared (frozen) engine results by identity and merges results with the same flag, variant and reason", async () => {
    peer.httpStatus = 202;
    counter = new EvaluationCounter(httpCountSender(peer.baseUrl, "s"), { flushIntervalMs: 60_000 });
    const byRule1 = Object.freeze({ key: "f", variant: "on", reason: "TARGETING_MATCH" as const, metadata: { ruleId: "r1" } });
    const byRule2 = Object.freeze({ key: "f", variant: "on", reason: "TARGETING_MATCH" as const, metadata: { ruleId: "r2" } });
    const invalid = { key: "f", variant: undefined, reason: "ERROR" as const }; // allocated per call by the engine
    for (let i = 0; i < 3; i++) counter.recordResult(byRule1);
    counter.recordResult(byRule2);
    counter.recordResult(invalid);
    counter.recordResult({ ...invalid });
    await counter.flush();
    expect(batches()[0]!.counts).toEqual([
      { flag: "f", variant: "on", reason: "TARGETING_MATCH", count: 4 },
      { flag: "f", variant: null, reason: "ERROR", count: 2 },
    ]);
  });

  it("uploads on the interval without an explicit flush", async () => {
    peer.httpStatus = 202;
    counter = new EvaluationCounter(httpCountSender(peer.baseUrl, "s"), { flushIntervalMs: 30 });
    counter.record("a", "on", "STATIC");
    for (let i = 0; i < 100 && peer.httpRequests.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(batches()[0]!.counts).toEqual([{ flag: "a", variant: "on", reason: "STATIC", count: 1 }]);
  });

  it("resends a failed batch with the same reportId (so the server counts it once); each batch has its own", async () => {
    peer.httpStatus = 503;
    counter = new EvaluationCounter(httpCountSender(peer.baseUrl, "s"), { flushIntervalMs: 60_000, retry: noRetryWait });
    counter.record("a", "on", "STATIC");
    await counter.flush();
    peer.httpStatus = 202;
    await counter.flush();
    counter.record("b", "on", "STATIC");
    await counter.flush();
    const ids = batches().map((b) => b.reportId);
    expect(ids).toHaveLength(3);
    expect(ids[1]).toBe(ids[0]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it("retries a failed upload (503) and delivers it once the endpoint recovers", async () => {
    peer.httpStatus = 503;
    counter = new EvaluationCounter(httpCountSender(peer.baseUrl, "s"), { flushIntervalMs: 60_000, retry: noRetryWait });
    counter.record("a", "on", "STATIC");
    await counter.flush();
    expect(counter.stats).toEqual({ sentEntries: 0, droppedEntries: 0, pendingBatches: 1 });
    peer.httpStatus = 202;
    await counter.flush();
    expect(counter.stats).toEqual({ sentEntries: 1, droppedEntries: 0, pendingBatches: 0 });
    expect(peer.httpRequests).toHaveLength(2);
  });

  it("drops a batch after maxAttempts failures, and at once when the endpoint refuses it (400)", async () => {
    peer.httpStatus = 500;
    counter = new EvaluationCounter(httpCountSender(peer.baseUrl, "s"), { flushIntervalMs: 60_000, retry: noRetryWait, maxAttempts: 2 });
    counter.record("a", "on", "STATIC");
    await counter.flush();
    await counter.flush();
    expect(counter.stats).toEqual({ sentEntries: 0, droppedEntries: 1, pendingBatches: 0 });
    peer.httpStatus = 400;
    counter.record("b", "on", "STATIC");
    await counter.flush();
    expect(counter.stats).toEqual({ sentEntries: 0, droppedEntries: 2, pendingBatches: 0 });
    expect(peer.httpRequests).toHaveLength(3);
  });

  it("keeps at most maxPendingBatches windows while unreachable, dropping the oldest, and never throws", async () => {
    const deadPort = peer.baseUrl.replace(/:\d+$/, ":1");
    counter = new EvaluationCounter(httpCountSender(deadPort, "s"), {
      flushIntervalMs: 60_000, maxEntries: 1, maxPendingBatches: 2, retry: { initialMs: 60_000, maxMs: 60_000 },
    });
    for (const flag of ["a", "b", "c", "d"]) counter.record(flag, "on", "STATIC");
    await expect(counter.flush()).resolves.toBeUndefined();
    expect(counter.stats.pendingBatches).toBeLessThanOrEqual(2);
    expect(counter.stats.droppedEntries + counter.stats.pendingBatches).toBe(4);
  });
});
