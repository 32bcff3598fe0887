// npm run bench:scale joins the BENCH_SCALE_PART lines of the bench/scale files into the issue's
// one-line summary; a part that did not report is named, never filled in.
import { describe, expect, it } from "vitest";
import { collectParts, formatTable, type Parts, summarise, targets } from "../../scripts/bench-scale-parts";

const FLEET = 'BENCH_SCALE_PART {"part":"fleet","locations":8,"isolatesPerLocation":16,"objectCallsPerSecond":8.4,"changeToEvalP50Ms":610,"changeToEvalP99Ms":1180}';
const RELAY = 'BENCH_SCALE_PART {"part":"relay","relays":4,"subscribers":1000,"deliveryP50Ms":40,"deliveryP99Ms":120,"objectSendsPerChange":4}';
const LARGE = '\u001b[22m\u001b[39mBENCH_SCALE_PART {"part":"large","flags":5000,"snapshotBytes":6357217,"coldFirstAnswerMs":3,"bulkMs":8}';

describe("bench:scale parts", () => {
  it("joins the three parts into the issue's summary, in its field order", () => {
    const { parts, problems } = collectParts(["stdout | fleet", FLEET, "noise", RELAY, LARGE, ""].join("\n"));
    expect(problems).toEqual([]);
    const summary = summarise(parts as Parts);
    expect(JSON.stringify(summary)).toBe('{"locations":8,"isolatesPerLocation":16,"objectCallsPerSecond":8.4,"relays":4,"subscribers":1000,' +
      '"deliveryP99Ms":120,"objectSendsPerChange":4,"flags":5000,"coldFirstAnswerMs":3,"bulkMs":8}');
    expect(targets(parts as Parts).map((t) => t.met)).toEqual([true, true, true, true]);
    expect(formatTable(parts as Parts)).toContain("large  coldFirstAnswerMs");
  });

  it("names a missing part and a missing figure", () => {
    const { problems } = collectParts([FLEET, 'BENCH_SCALE_PART {"part":"large","flags":5000,"snapshotBytes":1,"coldFirstAnswerMs":null,"bulkMs":8}'].join("\n"));
    expect(problems).toEqual([
      'part "relay" is missing: no BENCH_SCALE_PART {"part":"relay",...} line (bench/scale/relay.scale.ts)',
      'part "large" has no numeric coldFirstAnswerMs (got null)',
    ]);
  });

  it("reports a missed target", () => {
    const { parts } = collectParts([FLEET.replace('"objectCallsPerSecond":8.4', '"objectCallsPerSecond":128'), RELAY, LARGE].join("\n"));
    expect(targets(parts as Parts)[0]).toEqual({ target: "objectCallsPerSecond 128 <= 1.2 x L = 9.6", met: false });
  });
});
