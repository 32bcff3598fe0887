// The metrics and canary-gate forms refuse what the API refuses (workers/admin/insights/analytics/
// metrics.ts and canary-gates.ts), naming the field, and send the API's shapes.
import { describe, expect, test } from "vitest";
import { criteriaOf, gateProblems, gateSettings, metricProblems, readGate, readMetric } from "../app/lib/settings-forms/metrics-gates";

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};

describe("metric form", () => {
  test("a new metric needs a key in the API's format, a type and a name; criteria must be JSON", () => {
    expect(Object.keys(metricProblems(readMetric(form({})), true))).toEqual(["key", "type", "name"]);
    expect(metricProblems(readMetric(form({ key: "1st", type: "conversion", name: "x" })), true).key)
      .toBe("The key must be 1-100 characters: letters, digits, '_', '.' or '-', starting with a letter.");
    expect(metricProblems(readMetric(form({ key: "checkout.done", type: "ratio", name: "x" })), true)).toEqual({ type: "Choose the metric's type." });
    expect(metricProblems(readMetric(form({ key: "checkout.done", type: "numeric", name: "Revenue", unit: "EUR", successCriteria: "{nope" })), true))
      .toEqual({ successCriteria: "The success criteria must be JSON, e.g. {\"minLift\": 0.05}, or empty." });
    expect(metricProblems(readMetric(form({ key: "checkout.done", type: "numeric", name: "Revenue", successCriteria: "{\"minLift\":0.05}" })), true)).toEqual({});
  });

  test("an edit checks neither key nor type (they are fixed); limits as the API's", () => {
    expect(metricProblems(readMetric(form({ name: "n".repeat(201), unit: "u".repeat(51), description: "d".repeat(1001) })), false)).toEqual({
      name: "The name is at most 200 characters.", description: "The description is at most 1000 characters.", unit: "The unit is at most 50 characters.",
    });
    expect(criteriaOf("")).toBe(null);
    expect(criteriaOf("{\"minLift\":0.05}")).toEqual({ minLift: 0.05 });
  });
});

describe("canary gate form", () => {
  const good = { metricKey: "m", baselineVariant: "off", canaryVariant: "on", direction: "higher_is_better", thresholdPct: "5", minSampleSize: "100", windowMinutes: "60" };

  test("a complete gate passes and becomes the API's input", () => {
    expect(gateProblems(readGate(form(good)), true)).toEqual({});
    expect(gateSettings(readGate(form({ ...good, autoRollbackOnFail: "on", enabled: "on", rollbackInMinutes: "30" })))).toEqual({
      baselineVariant: "off", canaryVariant: "on", direction: "higher_is_better", thresholdPct: 5, minSampleSize: 100, windowMinutes: 60,
      autoRollbackOnFail: true, rollbackInMinutes: 30, enabled: true,
    });
    expect(gateSettings(readGate(form(good))).rollbackInMinutes).toBe(null);
  });

  test("refuses the same variant twice and numbers out of the API's ranges", () => {
    expect(gateProblems(readGate(form({ ...good, metricKey: "", canaryVariant: "off", thresholdPct: "0", minSampleSize: "1.5", windowMinutes: "10081", rollbackInMinutes: "0" })), true)).toEqual({
      metricKey: "Choose the metric the gate watches.",
      canaryVariant: "The canary variant must differ from the baseline variant.",
      thresholdPct: "The threshold is a percentage above 0 and at most 1000.",
      minSampleSize: "The minimum sample size is a whole number from 1 to 1,000,000.",
      windowMinutes: "The window is a whole number of minutes from 1 to 10080 (a week).",
      rollbackInMinutes: "Release the kill switch after 1 to 10080 minutes, or leave it empty to keep it engaged.",
    });
    expect(gateProblems(readGate(form({ ...good, metricKey: "" })), false)).toEqual({});
  });
});
