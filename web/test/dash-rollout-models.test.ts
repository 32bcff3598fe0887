// The rollout dashboards' pure parts: the prerequisite graph's layout and the merged live feed.
import { describe, expect, test } from "vitest";
import { asPercent, formatInterval, formatLift, intervalScale, measured, sampleShares, sortWarnings } from "../app/lib/experiment-view";
import { formatHours, formatShare, furthestLive, rolloutHealth, stageStateSlices } from "../app/lib/rollout-health";
import { layoutDependencies, prerequisiteCycle, requiredBy, type FlagNode } from "../app/lib/dependency-graph";
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

  test("names the cycle a new prerequisite would close, as the API words it (flag back to itself), and nothing otherwise", () => {
    // checkout_v3 requires new_checkout_flow, which requires BetaUsers.
    expect(prerequisiteCycle(flags, "a", "c")).toEqual(["BetaUsers", "checkout_v3", "new_checkout_flow", "BetaUsers"]);
    expect(prerequisiteCycle(flags, "a", "b")).toEqual(["BetaUsers", "new_checkout_flow", "BetaUsers"]);
    expect(prerequisiteCycle(flags, "c", "a")).toBeNull();
    expect(prerequisiteCycle(flags, "d", "c")).toBeNull();
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

  test("puts every stage in exactly one state for the chart, leaving out empty states", () => {
    expect(stageStateSlices(flags)).toEqual([
      { label: "Live", value: 7 }, { label: "Waiting for a decision", value: 2 }, { label: "Rejected", value: 1 },
      { label: "Rolled back", value: 1 }, { label: "Not deployed", value: 1 },
    ]);
    expect(stageStateSlices([flags[0]!])).toEqual([{ label: "Live", value: 3 }]);
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

describe("experiment view", () => {
  const control = { variant: "control", sampleSize: 1000, conversions: 100, conversionRate: 0.1, lift: null, confidence: null, confidenceInterval: { lower: 0.08, upper: 0.12 } };
  const variant = { variant: "variant-a", sampleSize: 600, conversions: 78, conversionRate: 0.13, lift: 0.3, confidence: 0.9645, confidenceInterval: { lower: 0.1, upper: 0.16 } };

  test("formats rates, lifts and intervals by metric type", () => {
    expect([asPercent(0.13), asPercent(null), formatLift(0.3), formatLift(-0.05), formatLift(null)]).toEqual(["13.0 %", "—", "+30.0 %", "−5.0 %", "baseline"]);
    expect([measured(variant, "conversion"), measured({ variant: "v", sampleSize: 3, meanValue: 10.12345 }, "duration")]).toEqual(["13.0 %", "10.123"]);
    expect([formatInterval(control, "conversion"), formatInterval({ ...control, confidenceInterval: { lower: 10.8030162, upper: 11.19698 } }, "numeric")])
      .toEqual(["8.0 % – 12.0 %", "10.803 – 11.197"]);
  });

  test("places every interval and point on one axis from the lowest lower to the highest upper bound", () => {
    expect(Object.fromEntries(intervalScale([control, variant]))).toEqual({
      control: { left: 0, width: 50, at: 25 }, "variant-a": { left: 25, width: 75, at: 62.5 },
    });
  });

  test("compares observed sample shares with the configured split", () => {
    expect(Object.fromEntries(sampleShares([control, variant], [{ variant: "control", weight: 50000 }, { variant: "variant-a", weight: 50000 }])))
      .toEqual({ control: { observed: 62.5, configured: 50 }, "variant-a": { observed: 37.5, configured: 50 } });
    expect(sampleShares([control], null).get("control")).toEqual({ observed: 100, configured: null });
  });

  test("sorts the API's warnings into sample-ratio mismatches and guardrails", () => {
    const srm = "Sample ratio mismatch: control has 61.6% of the samples but 80.0% of the configured split";
    const guard = "30 samples in total; at least 200 are needed";
    expect(sortWarnings([guard, srm])).toEqual({ mismatch: [srm], guardrails: [guard] });
  });
});
