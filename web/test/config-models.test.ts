// The configuration screens' models: the checks mirror the admin API's validation messages' rules,
// protection is read from the approval policies, and an import file is checked before it is sent.
import { describe, expect, test } from "vitest";
import {
  contextProblems, emptyAttribute, environmentProblems, exportFileName, parseImportDocument, parseTargetingKeys,
  pipelineProblems, protectionOf, segmentProblems, toAttributeInputs, type PolicyView,
} from "../app/lib/config-models";

describe("environment form", () => {
  test("accepts the API's key shape and refuses the rest", () => {
    expect(environmentProblems({ key: "qa-2_b", name: "QA", type: "staging" })).toEqual({});
    expect(environmentProblems({ key: "QA env", name: " ", type: "live", approvals: 0 })).toEqual({
      key: "1-50 characters: lowercase letters, digits, _ or -, starting with a letter.",
      name: "Enter a name.",
      type: "Choose development, staging or production.",
      approvals: "Between 1 and 10 approvals.",
    });
    expect(environmentProblems({ key: `a${"b".repeat(50)}`, name: "x".repeat(101), type: "production", approvals: 10 }))
      .toEqual({ key: "1-50 characters: lowercase letters, digits, _ or -, starting with a letter.", name: "At most 100 characters." });
  });
});

describe("protection", () => {
  const policy = (over: Partial<PolicyView>): PolicyView => ({ id: "p", name: "P", enabled: true, appliesTo: "specific", environmentIds: [], requiredApprovals: 1, ...over });
  test("a specific policy naming only the environment is its own; broader ones are listed apart", () => {
    const own = policy({ id: "own", environmentIds: ["e1"], requiredApprovals: 2 });
    const prod = policy({ id: "prod", appliesTo: "production_only", requiredApprovals: 3 });
    const shared = policy({ id: "shared", environmentIds: ["e1", "e2"] });
    const off = policy({ id: "off", appliesTo: "all", enabled: false, requiredApprovals: 9 });
    const result = protectionOf({ id: "e1", type: "production" }, [own, prod, shared, off]);
    expect(result.own?.id).toBe("own");
    expect(result.broader.map((p) => p.id)).toEqual(["prod", "shared"]);
    expect(result.required).toBe(3);
    expect(protectionOf({ id: "e3", type: "staging" }, [own, prod, shared, off])).toEqual({ covering: [], own: null, broader: [], required: 0 });
  });
});

describe("pipeline form", () => {
  test("needs one to twenty distinct stages", () => {
    expect(pipelineProblems({ name: "Main", description: "", environmentIds: ["a", "b"] })).toEqual({});
    expect(pipelineProblems({ name: "Main", description: "", environmentIds: [] })).toEqual({ environmentIds: "A pipeline needs at least one environment." });
    expect(pipelineProblems({ name: "", description: "", environmentIds: ["a", "a"] })).toEqual({ name: "Enter a name.", environmentIds: "Each environment can be a stage once." });
    expect(pipelineProblems({ name: "M", description: "", environmentIds: Array.from({ length: 21 }, (_, i) => `e${i}`) })).toEqual({ environmentIds: "At most 20 stages." });
  });
});

describe("context form", () => {
  test("attributes are named once each; suggested values split on commas", () => {
    const os = { ...emptyAttribute(), name: "os", values: "ios, android,," };
    expect(contextProblems({ key: "device", description: "", attributes: [os, { ...emptyAttribute(), name: "os" }, emptyAttribute()] }))
      .toEqual({ "attributes.1": '"os" is listed twice.', "attributes.2": "Name the attribute." });
    expect(contextProblems({ key: "1device", description: "", attributes: [] })).toEqual({ key: "1-100 characters: letters, digits, _ . or -, starting with a letter." });
    expect(toAttributeInputs([os, { name: " v ", type: "semver", description: " semantic ", values: "" }]))
      .toEqual([{ name: "os", type: "string", values: ["ios", "android"] }, { name: "v", type: "semver", description: "semantic" }]);
  });
});

describe("segment form", () => {
  test("targeting keys: one per line or comma-separated, without duplicates; each at most 256 characters", () => {
    expect(parseTargetingKeys("u-1\nu-2, u-1\n\n")).toEqual(["u-1", "u-2"]);
    expect(segmentProblems({ key: "vips", name: "VIPs", description: "", included: ["u-1"], excluded: [] })).toEqual({});
    expect(segmentProblems({ key: "v ips", name: "", description: "", included: ["x".repeat(257)], excluded: [] })).toEqual({
      key: "1-100 characters: letters, digits, _ . or -, starting with a letter.", name: "Enter a name.",
      included: "Each targeting key is at most 256 characters.",
    });
  });
});

describe("import file", () => {
  test("must be an export of format fluxgate.features/v1 with 1-100 features", () => {
    expect(parseImportDocument("{oops")).toEqual({ problem: "The file is not JSON." });
    expect(parseImportDocument("[]")).toEqual({ problem: "The file is not a FluxGate export (expected a JSON object)." });
    expect(parseImportDocument(`{"format":"other/v2","features":[]}`)).toEqual({ problem: 'Unknown format "other/v2": expected "fluxgate.features/v1" (a file from Export).' });
    expect(parseImportDocument(`{"format":"fluxgate.features/v1","features":[]}`)).toEqual({ problem: "The file lists no features." });
    const many = JSON.stringify({ format: "fluxgate.features/v1", features: Array.from({ length: 101 }, (_, i) => ({ key: `f${i}` })) });
    expect(parseImportDocument(many)).toEqual({ problem: "The file lists 101 features: import at most 100 at a time." });
    expect(parseImportDocument(`{"format":"fluxgate.features/v1","features":[{"key":"a"}]}`)).toEqual({ document: { format: "fluxgate.features/v1", features: [{ key: "a" }] } });
  });
  test("the export is named for the team and the UTC day", () => {
    expect(exportFileName("Acme Shop & Co.", new Date("2026-12-06T23:30:00Z"))).toBe("fluxgate-features-acme-shop-co-2026-12-06.json");
    expect(exportFileName("   ", new Date("2026-01-02T00:00:00Z"))).toBe("fluxgate-features-team-2026-01-02.json");
  });
});
