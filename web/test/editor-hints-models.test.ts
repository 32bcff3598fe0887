// The condition builder's suggestions (the team's context attributes and their suggested values)
// and the experiment template's split: what they offer, send and refuse.
import { describe, expect, test } from "vitest";
import { attributeHints, describeHint, valueOptions } from "../app/lib/attribute-hints";
import {
  describeWeights, fromWeights, withWeightsProblem, parseShare, readExperimentWeights, remainingText, toWeights, weightsProblem,
} from "../app/lib/experiment-weights";

describe("attribute hints", () => {
  const contexts = [
    { attributes: [{ name: "plan", type: "string", values: ["free", "pro"] }, { name: "age", type: "number", values: null }] },
    { attributes: [{ name: "plan", type: "string", values: ["pro", "team"] }, { name: "seats", type: "number", values: ["5", "many", "50"] }] },
    { attributes: [{ name: "beta", type: "boolean" }, { name: "age", type: "string", values: [] }] },
  ];

  test("lists each attribute once by name with targetingKey, merging the values and types of contexts that share it", () => {
    expect(attributeHints(contexts)).toEqual([
      { name: "age", type: "number | string", values: [] },
      { name: "beta", type: "boolean", values: [] },
      { name: "plan", type: "string", values: ["free", "pro", "team"] },
      { name: "seats", type: "number", values: ["5", "many", "50"] },
      { name: "targetingKey", type: "string", values: [] },
    ]);
    expect(attributeHints([])).toEqual([{ name: "targetingKey", type: "string", values: [] }]);
  });

  test("describes an attribute by its type and suggested values", () => {
    const [age, , plan] = attributeHints(contexts);
    expect(describeHint(plan!)).toBe("string · suggested: free, pro, team");
    expect(describeHint(age!)).toBe("number or string");
    expect(describeHint({ name: "tags", type: "string_list", values: [] })).toBe("list of strings");
  });

  test("offers the values for text operators, only numbers for number operators, none for presence, patterns and segments", () => {
    const hints = attributeHints(contexts);
    const plan = hints.find((h) => h.name === "plan");
    const seats = hints.find((h) => h.name === "seats");
    expect(valueOptions(plan, "equals", "")).toEqual([{ value: "free", label: "free" }, { value: "pro", label: "pro" }, { value: "team", label: "team" }]);
    expect(valueOptions(seats, "gte", "")).toEqual([{ value: "5", label: "5" }, { value: "50", label: "50" }]);
    expect(valueOptions(plan, "exists", "")).toEqual([]);
    expect(valueOptions(plan, "matches", "")).toEqual([]);
    expect(valueOptions(plan, "in_segment", "")).toEqual([]);
    expect(valueOptions(undefined, "equals", "")).toEqual([]);
    expect(valueOptions(hints.find((h) => h.name === "age"), "equals", "")).toEqual([]);
  });

  test("a list operator appends the picked value to what is typed, never offering one already listed", () => {
    const plan = attributeHints(contexts).find((h) => h.name === "plan");
    expect(valueOptions(plan, "in", "")).toEqual([{ value: "free", label: "free" }, { value: "pro", label: "pro" }, { value: "team", label: "team" }]);
    expect(valueOptions(plan, "not_in", "pro, ")).toEqual([{ value: "pro, free", label: "free" }, { value: "pro, team", label: "team" }]);
    // "te" is still being typed: it is replaced by the pick.
    expect(valueOptions(plan, "in", "free, te")).toEqual([{ value: "free, pro", label: "pro" }, { value: "free, team", label: "team" }]);
  });
});

describe("experiment weights", () => {
  const form = (rows: [string, string][]) => {
    const data = new FormData();
    for (const [variant, percent] of rows) {
      data.append("weightVariants", variant);
      data.append("weights", percent);
    }
    return data;
  };

  test("reads shares in percent with up to three decimals as thousandths of a percent", () => {
    expect(parseShare("70")).toBe(70_000);
    expect(parseShare("33.333")).toBe(33_333);
    expect(parseShare("0")).toBe(0);
    expect(parseShare("100%")).toBe(100_000);
    expect(parseShare("33.3333")).toBeNull();
    expect(parseShare("-1")).toBeNull();
    expect(parseShare("100.001")).toBeNull();
    expect(parseShare("")).toBeNull();
    expect(parseShare("half")).toBeNull();
  });

  test("70/30 is sent as 70000 and 30000 and reads back as the same rows", () => {
    const read = readExperimentWeights(form([["control", "70"], [" treatment ", "30"]]));
    expect(read).toEqual({ defaults: { weights: [{ variant: "control", weight: 70_000 }, { variant: "treatment", weight: 30_000 }] }, problem: null });
    expect(fromWeights(read.defaults.weights)).toEqual([{ variant: "control", percent: "70" }, { variant: "treatment", percent: "30" }]);
    expect(describeWeights(read.defaults.weights!)).toBe("control 70% · treatment 30%");
  });

  test("no rows (or only blank ones) send no weights: the API's equal shares", () => {
    expect(readExperimentWeights(form([]))).toEqual({ defaults: {}, problem: null });
    expect(readExperimentWeights(form([["", ""]]))).toEqual({ defaults: {}, problem: null });
  });

  test("refuses what the API refuses, naming the row", () => {
    expect(weightsProblem([{ variant: "a", percent: "70" }, { variant: "b", percent: "20" }])).toBe("The shares sum to 90%; they must sum to 100% (everyone).");
    expect(weightsProblem([{ variant: "a", percent: "70" }, { variant: "b", percent: "40" }])).toBe("The shares sum to 110%; they must sum to 100% (everyone).");
    expect(weightsProblem([{ variant: "a", percent: "50" }, { variant: "a", percent: "50" }])).toBe("Row 2: a is listed twice.");
    expect(weightsProblem([{ variant: "a", percent: "50" }, { variant: " ", percent: "50" }])).toBe("Row 2: name the variant.");
    expect(weightsProblem([{ variant: "x".repeat(101), percent: "100" }])).toBe("Row 1: the variant key has at most 100 characters.");
    expect(weightsProblem([{ variant: "a", percent: "50.0001" }, { variant: "b", percent: "49.9999" }])).toBe("Row 1: a share from 0 to 100% with at most three decimals.");
    expect(weightsProblem(Array.from({ length: 51 }, (_, i) => ({ variant: `v${i}`, percent: "0" })))).toBe("At most 50 variants.");
    expect(weightsProblem([{ variant: "a", percent: "33.334" }, { variant: "b", percent: "33.333" }, { variant: "c", percent: "33.333" }])).toBeNull();
    expect(readExperimentWeights(form([["a", "60"], ["b", "30"]]))).toEqual({ defaults: {}, problem: "The shares sum to 90%; they must sum to 100% (everyone)." });
  });

  test("adds the split's problem to the template form's own, under weights", () => {
    expect(withWeightsProblem({ name: "Name the template." }, form([["a", "60"], ["b", "30"]])))
      .toEqual({ name: "Name the template.", weights: "The shares sum to 90%; they must sum to 100% (everyone)." });
    expect(withWeightsProblem({}, form([["a", "70"], ["b", "30"]]))).toEqual({});
  });

  test("announces the remaining share", () => {
    expect(remainingText([{ variant: "a", percent: "70" }])).toBe("Total 70%, 30% left to assign.");
    expect(remainingText([{ variant: "a", percent: "70" }, { variant: "b", percent: "30" }])).toBe("Total 100%: everyone is assigned.");
    expect(remainingText([{ variant: "a", percent: "70" }, { variant: "b", percent: "30.5" }])).toBe("Total 100.5%, 0.5% too much.");
    expect(toWeights([{ variant: "a", percent: "12.5" }])).toEqual([{ variant: "a", weight: 12_500 }]);
  });
});
