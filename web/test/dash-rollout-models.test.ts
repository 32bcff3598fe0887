// The rollout dashboards' pure parts: the prerequisite graph's layout and the merged live feed.
import { describe, expect, test } from "vitest";
import { formatHours, formatShare, furthestLive, rolloutHealth } from "../app/lib/rollout-health";
import { layoutDependencies, requiredBy, type FlagNode } from "../app/lib/dependency-graph";
import { mergeEventStreams } from "../app/lib/sse-merge";

const flag = (id: string, key: string, requires: [string, string, string | null][] = [], killed = false): FlagNode => ({
  id, key, killSwitchEnabled: killed, prerequisites: requires.map(([rid, rkey, variant]) => ({ variant, feature: { id: rid, key: rkey } })),
});

describe("prerequisite graph layout", () => {
  const flags = [
    flag("a", "BetaUsers"), flag("b", "new_checkout_flow", [["a", "BetaUsers", null]]),
    flag("c", "checkout_v3", [["b", "new_checkout_flow", "on"], ["a", "BetaUsers", null]], true), flag("d", "dark_mode"),
  ];

  test("draws only connected flags, prerequisites left of their dependents, and counts the rest", () => {
    const graph = layoutDependencies(flags);
    expect(graph.nodes.map((n) => n.key)).toEqual(["BetaUsers", "checkout_v3", "new_checkout_flow"]);
    expect(graph.unconnected).toBe(1);
    const x = Object.fromEntries(graph.nodes.map((n) => [n.key, n.x]));
    expect(x.BetaUsers!).toBeLessThan(x.new_checkout_flow!);
    expect(x.new_checkout_flow!).toBeLessThan(x.checkout_v3!);
    expect(graph.nodes.find((n) => n.key === "checkout_v3")!.killed).toBe(true);
    for (const n of graph.nodes) {
      expect(n.x - n.width / 2).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width / 2).toBeLessThanOrEqual(graph.width);
      expect(n.y + n.height / 2).toBeLessThanOrEqual(graph.height);
    }
  });

  test("routes every edge from the required flag's box to the requiring flag's box, with its variant", () => {
    const graph = layoutDependencies(flags);
    expect(graph.edges.map((e) => `${e.fromKey}->${e.toKey}:${e.variant}`)).toEqual([
      "BetaUsers->new_checkout_flow:null", "new_checkout_flow->checkout_v3:on", "BetaUsers->checkout_v3:null",
    ]);
    const node = Object.fromEntries(graph.nodes.map((n) => [n.id, n]));
    for (const e of graph.edges) {
      expect(e.points.length).toBeGreaterThanOrEqual(2);
      const start = e.points[0]!;
      const end = e.points.at(-1)!;
      expect(start.x).toBeCloseTo(node[e.from]!.x + node[e.from]!.width / 2, 0);
      expect(end.x).toBeCloseTo(node[e.to]!.x - node[e.to]!.width / 2, 0);
    }
  });

  test("ignores prerequisites on flags it was not given and is empty without edges", () => {
    expect(layoutDependencies([flag("x", "solo", [["gone", "deleted_flag", null]])])).toMatchObject({ nodes: [], edges: [], unconnected: 1 });
  });

  test("lists who requires each flag, sorted", () => {
    expect(Object.fromEntries(requiredBy(flags))).toEqual({ a: ["checkout_v3", "new_checkout_flow"], b: ["checkout_v3"] });
  });
});

describe("merged live feed", () => {
  const encoder = new TextEncoder();
  /** A source the test feeds by hand. */
  function source() {
    let cancelled = false;
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const stream = new ReadableStream<Uint8Array>({ start(c) { controller = c; }, cancel() { cancelled = true; } });
    return { stream, send: (chunk: string) => controller.enqueue(encoder.encode(chunk)), end: () => controller.close(), cancelled: () => cancelled };
  }
  const tick = () => new Promise((r) => setTimeout(r, 5));
  async function readAll(stream: ReadableStream<Uint8Array>) {
    let text = "";
    const decoder = new TextDecoder();
    for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
    return text;
  }

  test("forwards whole events from every source, never a split one, and ends (cancelling the others) when one source ends", async () => {
    const a = source();
    const b = source();
    let closed = 0;
    const reading = readAll(mergeEventStreams([a.stream, b.stream], () => closed++));
    for (const [from, chunk] of [[a, "event: next\nda"], [b, "event: next\r\ndata: {\"b\":1}\r\n\r\n"], [a, "ta: {\"a\":1}\n\nevent: next\ndata: {\"a\":2}\n"],
      [b, ": keep-alive\n\nevent: next\ndata: {\"b\":"], [a, "\n"]] as const) {
      from.send(chunk);
      await tick();
    }
    b.end();
    const text = await reading;
    const events = text.split("\n\n").filter(Boolean).sort();
    expect(events).toEqual([": keep-alive", "event: next\ndata: {\"a\":1}", "event: next\ndata: {\"a\":2}", "event: next\ndata: {\"b\":1}"]);
    expect(text.endsWith("\n\n")).toBe(true);
    expect(a.cancelled()).toBe(true);
    expect(closed).toBe(1);
  });

  test("cancelling the merged stream cancels every source", async () => {
    const a = source();
    const b = source();
    let closed = 0;
    await mergeEventStreams([a.stream, b.stream], () => closed++).cancel();
    expect([a.cancelled(), b.cancelled(), closed]).toEqual([true, true, 1]);
  });
});

describe("rollout health", () => {
  const stage = (environment: string, status: string) => ({ id: `${environment}-${status}`, status, environment: { id: environment } });
  const flags = [
    { id: "1", key: "all_live", killSwitchEnabled: false, stages: [stage("dev", "DEPLOYED"), stage("stg", "ROLLBACK_REJECTED"), stage("prd", "DEPLOYED")] },
    { id: "2", key: "waiting", killSwitchEnabled: false, stages: [stage("dev", "DEPLOYED"), stage("stg", "DEPLOYMENT_REQUESTED"), stage("prd", "NOT_DEPLOYED")] },
    { id: "3", key: "troubled", killSwitchEnabled: false, stages: [stage("dev", "ROLLBACK_REQUESTED"), stage("stg", "DEPLOYMENT_REJECTED"), stage("prd", "ROLLED_BACK")] },
    { id: "4", key: "killed", killSwitchEnabled: true, stages: [stage("dev", "DEPLOYED"), stage("stg", "DEPLOYED"), stage("prd", "DEPLOYED")] },
  ];

  test("counts stages by state and flags fully rolled out (a killed flag is not)", () => {
    expect(rolloutHealth(flags)).toEqual({
      stages: 12, live: 8, waiting: 2, rejected: 1, rolledBack: 1, notDeployed: 1, killed: 1, fullyRolledOut: 1, flags: 4,
    });
  });

  test("names the last live environment in pipeline order", () => {
    const order = ["dev", "stg", "prd"];
    expect(flags.map((f) => furthestLive(f, order))).toEqual(["prd", "dev", "dev", "prd"]);
    expect(furthestLive({ ...flags[0]!, stages: [stage("dev", "NOT_DEPLOYED")] }, order)).toBeNull();
  });

  test("formats hours and shares for the cards", () => {
    expect([formatHours(null), formatHours(40.5), formatHours(0.04), formatHours(76)]).toEqual(["—", "40.5 h", "0 h", "3 d 4 h"]);
    expect([formatShare(null), formatShare(75), formatShare(-66.67)]).toEqual(["—", "75 %", "-66.7 %"]);
  });
});
