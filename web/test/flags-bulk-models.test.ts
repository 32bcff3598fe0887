// The flags list's bulk model: the selection (this page only), the checks before bulkUpdateFeatures /
// bulkArchiveFeatures (mirroring the API's limits), the variables sent and the report of outcomes.
import { describe, expect, test } from "vitest";
import {
  bulkArchiveProblems, bulkReport, bulkUpdateProblems, bulkUpdateVariables, keepOnPage, parseTags, readSelection, selectionStatus, toggleAll, toggleOne,
} from "../app/lib/bulk-flags";

const flags = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `id-${i}`, key: `flag_${i}` }));
const input = (over: Partial<Parameters<typeof bulkUpdateProblems>[0]>) => ({ flags: flags(2), action: "update_owner", owner: "", tags: "", lifecycle: "", ...over });

describe("selection", () => {
  const page = ["a", "b", "c"];
  test("select all selects the page, and clears it when everything is selected", () => {
    expect(toggleAll([], page)).toEqual(["a", "b", "c"]);
    expect(toggleAll(["b"], page)).toEqual(["a", "b", "c"]);
    expect(toggleAll(["a", "b", "c"], page)).toEqual([]);
    expect(toggleAll([], [])).toEqual([]);
  });
  test("one checkbox toggles its flag and keeps page order", () => {
    expect(toggleOne(["c"], "a", page)).toEqual(["a", "c"]);
    expect(toggleOne(["a", "c"], "a", page)).toEqual(["c"]);
  });
  test("flags that left the page drop out of the selection", () => {
    expect(keepOnPage(["a", "x", "c"], page)).toEqual(["a", "c"]);
  });
  test("the count reads as a sentence", () => {
    expect(selectionStatus(0)).toBe("No flag selected.");
    expect(selectionStatus(1)).toBe("1 flag selected.");
    expect(selectionStatus(3)).toBe("3 flags selected.");
  });
  test("the posted selection is read defensively", () => {
    expect(readSelection(JSON.stringify([{ id: "a", key: "k", extra: 1 }, { id: 2 }, { id: "", key: "x" }]))).toEqual([{ id: "a", key: "k" }]);
    expect(readSelection("not json")).toEqual([]);
    expect(readSelection('{"id":"a"}')).toEqual([]);
    expect(readSelection(null)).toEqual([]);
  });
});

describe("checks before submit", () => {
  test("1 to 100 flags, as the API accepts", () => {
    expect(bulkArchiveProblems([])).toEqual({ selection: "Select at least one flag." });
    expect(bulkArchiveProblems(flags(100))).toEqual({});
    expect(bulkArchiveProblems(flags(101))).toEqual({ selection: "Select at most 100 flags at a time." });
    expect(bulkUpdateProblems(input({ flags: [] }))).toEqual({ selection: "Select at least one flag." });
  });
  test("owner: at most 200 characters; empty clears it", () => {
    expect(bulkUpdateProblems(input({ owner: "" }))).toEqual({});
    expect(bulkUpdateProblems(input({ owner: "x".repeat(200) }))).toEqual({});
    expect(bulkUpdateProblems(input({ owner: "x".repeat(201) }))).toEqual({ owner: "At most 200 characters." });
  });
  test("tags: at least one, at most 20, 50 characters each", () => {
    expect(bulkUpdateProblems(input({ action: "add_tags", tags: " , " }))).toEqual({ tags: "Enter at least one tag." });
    expect(bulkUpdateProblems(input({ action: "remove_tags", tags: Array.from({ length: 21 }, (_, i) => `t${i}`).join(",") }))).toEqual({ tags: "At most 20 tags." });
    expect(bulkUpdateProblems(input({ action: "add_tags", tags: `ok, ${"x".repeat(51)}` }))).toEqual({ tags: "Each tag has at most 50 characters." });
    expect(bulkUpdateProblems(input({ action: "add_tags", tags: "beta, ui" }))).toEqual({});
  });
  test("lifecycle: draft, active or deprecated (archiving is its own action)", () => {
    expect(bulkUpdateProblems(input({ action: "set_lifecycle", lifecycle: "archived" })))
      .toEqual({ lifecycle: "Choose draft, active or deprecated (archive with the Archive button)." });
    expect(bulkUpdateProblems(input({ action: "set_lifecycle", lifecycle: "deprecated" }))).toEqual({});
    expect(bulkUpdateProblems(input({ action: "rename" }))).toEqual({ action: "Choose what to change." });
  });
});

describe("what is sent and reported", () => {
  test("variables per action", () => {
    expect(bulkUpdateVariables("t", input({ owner: "  " }))).toEqual({ teamId: "t", featureIds: ["id-0", "id-1"], action: "update_owner", owner: null });
    expect(bulkUpdateVariables("t", input({ owner: " payments " }))).toMatchObject({ owner: "payments" });
    expect(bulkUpdateVariables("t", input({ action: "add_tags", tags: "a, b, a" }))).toEqual({ teamId: "t", featureIds: ["id-0", "id-1"], action: "add_tags", tags: ["a", "b"] });
    expect(bulkUpdateVariables("t", input({ action: "set_lifecycle", lifecycle: "active" }))).toMatchObject({ action: "set_lifecycle", lifecycle: "active" });
    expect(parseTags("x,,y , x")).toEqual(["x", "y"]);
  });
  test("the report names each refused flag by key with the API's message", () => {
    const keys = new Map([["id-0", "flag_0"], ["id-1", "flag_1"]]);
    expect(bulkReport("Archived", { succeeded: 2, failed: 0, results: [{ featureId: "id-0", ok: true }, { featureId: "id-1", ok: true }] }, keys))
      .toEqual({ summary: "Archived 2 flags.", failures: [] });
    expect(bulkReport("Updated", {
      succeeded: 1, failed: 1,
      results: [{ featureId: "id-0", ok: true }, { featureId: "id-1", ok: false, error: "FORBIDDEN", message: "Environment \"Production\" is protected" }],
    }, keys)).toEqual({ summary: "Updated 1 of 2 flags; 1 refused.", failures: [{ key: "flag_1", message: "Environment \"Production\" is protected" }] });
    expect(bulkReport("Updated", { succeeded: 0, failed: 1, results: [{ featureId: "id-9", ok: false, error: "CONFLICT", message: null }] }, keys).failures)
      .toEqual([{ key: "id-9", message: "CONFLICT" }]);
  });
});
