import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, demoRuleId, demoStageId } from "../../db/seed/demo-data";
import { DeliveryError } from "../../durable-objects/delivery-error";
import { buildFlagSet } from "../../durable-objects/snapshot-builder";
import type { FlagDocument } from "../../engine/types";
import { reseedDemo } from "./support/seed-demo";

const PRODUCTION = DEMO_ENVIRONMENT_IDS.production;
const db = () => drizzle(env.DB);
const flag = async (key: string, environmentId = PRODUCTION): Promise<FlagDocument | undefined> =>
  (await buildFlagSet(db(), environmentId)).flags.find((f) => f.key === key);

beforeEach(async () => {
  await reseedDemo(env);
});

describe("buildFlagSet over the demo data", () => {
  it("describes the environment and lists every deployed demo flag by key", async () => {
    const content = await buildFlagSet(db(), PRODUCTION);
    expect(content.schemaVersion).toBe(1);
    expect(content.environment).toEqual({ id: PRODUCTION, key: "production", name: "Production", type: "production" });
    expect(content.flags.map((f) => f.key)).toEqual([
      "BetaUsers", "checkout_button_text", "dark_mode", "homepage_layout", "legacy_search", "max_upload_mb", "new_checkout_flow",
    ]);
  });

  it("gives a boolean flag without variant rows on=true / off=false and its targeting rule", async () => {
    expect(await flag("BetaUsers")).toEqual({
      key: "BetaUsers", type: "boolean", salt: "BetaUsers", variants: { on: true, off: false },
      offVariant: "off", defaultVariant: "off", deployed: true, killed: false, prerequisites: [],
      rules: [{
        id: demoRuleId("BetaUsers", "production"), priority: 10, name: "Admins",
        match: [{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: "admin" }] }],
        serve: { kind: "variant", variant: "on" },
      }],
    });
  });

  it("keeps a string flag's variants in position order and its split allocations in order", async () => {
    expect(await flag("checkout_button_text")).toEqual({
      key: "checkout_button_text", type: "string", salt: "checkout_button_text",
      variants: { control: "Buy now", "variant-a": "Complete purchase" },
      offVariant: null, defaultVariant: "control", deployed: true, killed: false, prerequisites: [],
      rules: [{
        id: demoRuleId("checkout_button_text", "production"), priority: 10, name: "50/50 experiment", match: [],
        serve: { kind: "split", allocations: [{ variant: "control", weight: 50000 }, { variant: "variant-a", weight: 50000 }] },
      }],
    });
    const doc = await flag("checkout_button_text");
    expect(Object.keys(doc!.variants)).toEqual(["control", "variant-a"]);
  });

  it("parses JSON variant values and segment conditions", async () => {
    const doc = await flag("homepage_layout");
    expect(doc?.variants).toEqual({ classic: { hero: "banner", columns: 2 }, modern: { hero: "video", columns: 3 } });
    expect(doc?.rules[0]?.match).toEqual([
      { operator: "and", conditions: [{ attribute: "targetingKey", operator: "in_segment", value: "beta_testers" }] },
    ]);
    expect((await flag("max_upload_mb"))?.variants).toEqual({ standard: 10, pro: 100 });
  });

  it("maps prerequisites to the required feature's key", async () => {
    expect((await flag("new_checkout_flow"))?.prerequisites).toEqual([{ key: "BetaUsers", variant: null }]);
  });

  it("marks a feature with an active kill switch as killed", async () => {
    expect(await flag("legacy_search")).toMatchObject({ killed: true, deployed: true, defaultVariant: "on", rules: [] });
  });

  it("includes the team's segments", async () => {
    expect((await buildFlagSet(db(), PRODUCTION)).segments).toEqual([{
      key: "beta_testers", included: ["user-42"], excluded: [],
      match: [{ operator: "and", conditions: [{ attribute: "email", operator: "ends_with", value: "@acme.test" }] }],
    }]);
  });

  it("is deployed only in the live stage statuses", async () => {
    const statuses = {
      DEPLOYED: true, ROLLBACK_REQUESTED: true, ROLLBACK_REJECTED: true,
      NOT_DEPLOYED: false, DEPLOYMENT_REQUESTED: false, DEPLOYMENT_REJECTED: false, ROLLED_BACK: false,
    };
    for (const [status, deployed] of Object.entries(statuses)) {
      await env.DB.prepare("UPDATE feature_stages SET status = ? WHERE id = ?").bind(status, demoStageId("dark_mode", "production")).run();
      expect((await flag("dark_mode"))?.deployed, status).toBe(deployed);
    }
  });

  it("defaults a boolean stage's null default and off variants to off", async () => {
    await env.DB.prepare("UPDATE feature_stages SET default_variant = NULL, off_variant = NULL WHERE id = ?")
      .bind(demoStageId("legacy_search", "production")).run();
    expect(await flag("legacy_search")).toMatchObject({ defaultVariant: "off", offVariant: "off" });
  });

  it("orders rules by priority, then by saved position", async () => {
    const stageId = demoStageId("max_upload_mb", "production");
    const insert = env.DB.prepare(
      `INSERT INTO rules (id, stage_id, priority, position, name, match, serve, created_at) VALUES (?, ?, ?, ?, '', '[]', ?, 0)`,
    );
    const serve = JSON.stringify({ kind: "variant", variant: "standard" });
    await env.DB.batch([
      insert.bind("r-late", stageId, 20, 0, serve),
      insert.bind("r-first-b", stageId, 5, 1, serve),
      insert.bind("r-first-a", stageId, 5, 0, serve),
    ]);
    const rules = (await flag("max_upload_mb"))!.rules;
    expect(rules.map((r) => r.id)).toEqual(["r-first-a", "r-first-b", demoRuleId("max_upload_mb", "production"), "r-late"]);
    expect(rules[0]).toEqual({ id: "r-first-a", priority: 5, match: [], serve: { kind: "variant", variant: "standard" } });
  });

  it("excludes archived features", async () => {
    await env.DB.prepare("UPDATE features SET lifecycle = 'archived' WHERE id = ?").bind(DEMO_FEATURE_IDS.dark_mode).run();
    expect(await flag("dark_mode")).toBeUndefined();
    expect((await buildFlagSet(db(), PRODUCTION)).flags).toHaveLength(6);
  });

  it("excludes features without a stage in the environment", async () => {
    await env.DB.prepare("DELETE FROM feature_stages WHERE id = ?").bind(demoStageId("dark_mode", "staging")).run();
    expect(await flag("dark_mode", DEMO_ENVIRONMENT_IDS.staging)).toBeUndefined();
    expect(await flag("dark_mode", PRODUCTION)).toBeDefined();
  });

  it("excludes other teams' segments", async () => {
    await env.DB.batch([
      env.DB.prepare("INSERT INTO teams (id, name, created_at, updated_at) VALUES ('t2', 'Other', 0, 0)"),
      env.DB.prepare("INSERT INTO segments (id, team_id, key, name, created_at, updated_at) VALUES ('s2', 't2', 'others', 'Others', 0, 0)"),
    ]);
    expect((await buildFlagSet(db(), PRODUCTION)).segments.map((s) => s.key)).toEqual(["beta_testers"]);
  });

  it("rejects an unknown environment with ENVIRONMENT_NOT_FOUND", async () => {
    const failure = await buildFlagSet(db(), "no-such-environment").catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect((failure as DeliveryError).code).toBe("ENVIRONMENT_NOT_FOUND");
  });
});
