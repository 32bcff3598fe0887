// The evaluation dashboard's URL filters (mirroring the API's limits) and payload helpers.
import { describe, expect, test } from "vitest";
import { earlierPart, groupSlices, newest } from "../app/lib/dashboard-data";
import {
  dashboardInput, DEFAULT_FILTERS, filtersSearch, INTERVAL_CHOICES, intervalLabel, intervalPhrase, intervalProblem, isLiveWindow, parseFilters,
  smallestInterval, worstBucketCount,
} from "../app/lib/dashboard-filters";

const parse = (search: string) => parseFilters(new URLSearchParams(search));

describe("evaluation dashboard filters", () => {
  test("an empty URL is the last 24 hours in 15-minute buckets over the whole team", () => {
    expect(parse("")).toEqual({ filters: DEFAULT_FILTERS, problems: {} });
    expect(DEFAULT_FILTERS).toEqual({ environment: "", featureKey: "", client: "", hours: 24, interval: 15 });
  });
  test("filters round-trip through the URL, defaults left out", () => {
    const { filters } = parse("env=e1&feature=%20dark_mode%20&client=c9&hours=6&interval=5");
    expect(filters).toEqual({ environment: "e1", featureKey: "dark_mode", client: "c9", hours: 6, interval: 5 });
    expect(filtersSearch(filters)).toBe("?env=e1&feature=dark_mode&client=c9&hours=6&interval=5");
    expect(filtersSearch(DEFAULT_FILTERS)).toBe("");
  });
  test("bucket counts: an unaligned window touches one bucket more, so a day at 1 minute is refused like the API does", () => {
    expect(worstBucketCount(1, 1)).toBe(61);
    expect(worstBucketCount(24, 60)).toBe(25);
    expect(worstBucketCount(24, 1)).toBe(1441);
    expect(intervalProblem(24, 1)).toBe("24 hours at 1-minute intervals would be up to 1441 buckets (at most 1440); choose a larger interval.");
    expect(intervalProblem(24, 5)).toBeNull();
    expect(smallestInterval(1)).toBe(1);
    expect(smallestInterval(24)).toBe(5);
    expect(smallestInterval(168)).toBe(10);
    expect(smallestInterval(720)).toBe(60);
  });
  test("90 days: 60-minute buckets are too many, whole hours and a day fit", () => {
    expect(intervalProblem(2160, 60)).toBe("2160 hours at 60-minute intervals would be up to 2161 buckets (at most 1440); choose a larger interval.");
    expect(smallestInterval(2160)).toBe(120);
    expect(worstBucketCount(2160, 1440)).toBe(91);
    expect(parse("hours=2160&interval=1440")).toEqual({ filters: { ...DEFAULT_FILTERS, hours: 2160, interval: 1440 }, problems: {} });
    expect(INTERVAL_CHOICES.map(intervalLabel)).toEqual(["1 min", "5 min", "10 min", "15 min", "30 min", "60 min", "2 hours", "6 hours", "1 day"]);
    expect([1, 15, 60, 360, 1440].map(intervalPhrase)).toEqual(["minute", "15 minutes", "60 minutes", "6 hours", "day"]);
  });
  test("out-of-range values get a message naming the limit", () => {
    expect(parse("hours=0").problems).toEqual({ hours: "The window must be a whole number of hours from 1 to 2160 (90 days)." });
    expect(parse("hours=2161").problems.hours).toBe("The window must be a whole number of hours from 1 to 2160 (90 days).");
    expect(parse("hours=1.5").problems.hours).toBe("The window must be a whole number of hours from 1 to 2160 (90 days).");
    const badInterval = { interval: "The interval must be 1 to 60 minutes, or whole hours up to a day (1440 minutes)." };
    expect(parse("interval=61").problems).toEqual(badInterval);
    expect(parse("interval=90").problems).toEqual(badInterval);
    expect(parse("hours=2160&interval=1500").problems).toEqual(badInterval);
    expect(parse("interval=abc").problems).toEqual(badInterval);
    expect(parse("hours=168&interval=5").problems).toEqual({
      interval: "168 hours at 5-minute intervals would be up to 2017 buckets (at most 1440); choose a larger interval.",
    });
    expect(parse(`feature=${"k".repeat(129)}`).problems).toEqual({ feature: "A feature key has at most 128 characters." });
  });
  test("the API input: one environment, or the whole team; only the filters set", () => {
    expect(dashboardInput(DEFAULT_FILTERS, "t1")).toEqual({ teamId: "t1", durationHours: 24, intervalMinutes: 15 });
    expect(dashboardInput({ environment: "e1", featureKey: "f", client: "c", hours: 2, interval: 1 }, "t1"))
      .toEqual({ environmentId: "e1", featureKey: "f", clientId: "c", durationHours: 2, intervalMinutes: 1 });
  });
  test("windows up to 24 hours are live", () => {
    expect(isLiveWindow(24)).toBe(true);
    expect(isLiveWindow(48)).toBe(false);
  });
});

describe("dashboard payload helpers", () => {
  test("the newer payload wins, whichever came first", () => {
    const a = { generatedAt: "2026-12-06T18:00:00.000Z", n: 1 };
    const b = { generatedAt: "2026-12-06T18:00:05.000Z", n: 2 };
    expect(newest(a, b)).toBe(b);
    expect(newest(b, a)).toBe(b);
    expect(newest(undefined, a)).toBe(a);
    expect(newest(a, undefined)).toBe(a);
  });
  test("the previous period is the longer window minus the shorter one", () => {
    expect(earlierPart(
      { totalEvaluations: 150, successfulEvaluations: 140, cachedEvaluations: 100 },
      { totalEvaluations: 100, successfulEvaluations: 98, cachedEvaluations: 80 },
    )).toEqual({ totalEvaluations: 50, successRate: 42 / 50, cacheHitRate: 20 / 50 });
    expect(earlierPart(
      { totalEvaluations: 10, successfulEvaluations: 10, cachedEvaluations: 0 },
      { totalEvaluations: 10, successfulEvaluations: 10, cachedEvaluations: 0 },
    )).toEqual({ totalEvaluations: 0, successRate: null, cacheHitRate: null });
  });
  test("distribution keys get readable names: labels first, then keys, then what a null means", () => {
    const group = (key: string | null, label: string | null, evaluationCount: number) => ({ key, label, evaluationCount, share: 0 });
    expect(groupSlices([group("e1", "production", 5), group(null, null, 2)], "variant"))
      .toEqual([{ label: "production", value: 5 }, { label: "(no variant)", value: 2 }]);
    expect(groupSlices([group(null, null, 3)], "client")).toEqual([{ label: "(unknown client)", value: 3 }]);
    expect(groupSlices([group("on", null, 1)], "variant")).toEqual([{ label: "on", value: 1 }]);
  });
});
