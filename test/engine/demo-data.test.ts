// The fixed demo flags of the project brief, evaluated end to end through the engine.
import { describe, expect, it } from "vitest";
import { compileFlagSet, evaluateAll, evaluateFlag } from "../../engine/index.ts";
import { flag, flagSet, keyWithBucket, META, rule, segment } from "./fixtures.ts";

const demo = compileFlagSet(flagSet([
  flag({ key: "BetaUsers", rules: [rule({ id: "r-beta", match: [{ operator: "and",
    conditions: [{ attribute: "role", operator: "equals", value: "admin" }] }] })] }),
  flag({ key: "checkout_button_text", type: "string", variants: { control: "Buy now", "variant-a": "Complete purchase" },
    defaultVariant: "control", rules: [rule({ id: "r-split", serve: { kind: "split",
      allocations: [{ variant: "control", weight: 50_000 }, { variant: "variant-a", weight: 50_000 }] } })] }),
  flag({ key: "max_upload_mb", type: "number", variants: { standard: 10, pro: 100 }, defaultVariant: "standard",
    rules: [rule({ id: "r-pro", serve: { kind: "variant", variant: "pro" }, match: [{ operator: "and",
      conditions: [{ attribute: "plan", operator: "equals", value: "pro" }] }] })] }),
  flag({ key: "homepage_layout", type: "json", variants: { classic: { hero: "banner", columns: 2 }, modern: { hero: "video", columns: 3 } },
    defaultVariant: "classic", rules: [rule({ id: "r-seg", serve: { kind: "variant", variant: "modern" }, match: [{ operator: "and",
      conditions: [{ attribute: "targetingKey", operator: "in_segment", value: "beta_testers" }] }] })] }),
  flag({ key: "new_checkout_flow", prerequisites: [{ key: "BetaUsers", variant: null }], rules: [rule({ id: "r-all" })] }),
  flag({ key: "dark_mode", rules: [rule({ id: "r-roll", serve: { kind: "rollout", variant: "on", percentage: 25 } })] }),
  flag({ key: "legacy_search", killed: true, defaultVariant: "on" }),
], [segment({ key: "beta_testers", included: ["user-42"], match: [{ operator: "and",
  conditions: [{ attribute: "email", operator: "ends_with", value: "@acme.test" }] }] })]));

describe("demo flags", () => {
  it("an admin with a beta email gets every targeted variant", () => {
    const inDark = keyWithBucket("dark_mode", (b) => b < 25_000);
    const split = evaluateFlag(demo, "checkout_button_text", { targetingKey: inDark }).variant;
    const results = evaluateAll(demo, { targetingKey: inDark, role: "admin", plan: "pro", email: "a@acme.test" });
    expect(results.map((r) => [r.key, r.value, r.reason])).toEqual([
      ["BetaUsers", true, "TARGETING_MATCH"],
      ["checkout_button_text", split === "control" ? "Buy now" : "Complete purchase", "SPLIT"],
      ["max_upload_mb", 100, "TARGETING_MATCH"],
      ["homepage_layout", { hero: "video", columns: 3 }, "TARGETING_MATCH"],
      ["new_checkout_flow", true, "TARGETING_MATCH"],
      ["dark_mode", true, "SPLIT"],
      ["legacy_search", false, "DISABLED"],
    ]);
  });

  it("an anonymous viewer gets defaults, and the bucketed flags need a targeting key", () => {
    expect(evaluateAll(demo, { role: "viewer" }).map((r) => [r.key, r.value, r.reason, r.errorCode])).toEqual([
      ["BetaUsers", false, "DEFAULT", undefined],
      ["checkout_button_text", undefined, "ERROR", "TARGETING_KEY_MISSING"],
      ["max_upload_mb", 10, "DEFAULT", undefined],
      ["homepage_layout", { hero: "banner", columns: 2 }, "DEFAULT", undefined],
      ["new_checkout_flow", false, "DISABLED", undefined],
      ["dark_mode", undefined, "ERROR", "TARGETING_KEY_MISSING"],
      ["legacy_search", false, "DISABLED", undefined],
    ]);
  });

  it("user-42 is in beta_testers by inclusion", () => {
    expect(evaluateFlag(demo, "homepage_layout", { targetingKey: "user-42" })).toEqual({
      key: "homepage_layout", value: { hero: "video", columns: 3 }, variant: "modern", reason: "TARGETING_MATCH",
      metadata: { ...META, ruleId: "r-seg", rulePriority: 0 },
    });
  });

  it("checkout_button_text splits users in half: the first 50000 buckets get control", () => {
    const low = keyWithBucket("checkout_button_text", (b) => b === 49_999);
    const high = keyWithBucket("checkout_button_text", (b) => b === 50_000);
    expect(evaluateFlag(demo, "checkout_button_text", { targetingKey: low }).value).toBe("Buy now");
    expect(evaluateFlag(demo, "checkout_button_text", { targetingKey: high }).value).toBe("Complete purchase");
  });
});
