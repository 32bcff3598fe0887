// A rule with enabled = false stays stored but is left out of the published snapshot.
import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, demoRuleId } from "../../../db/seed/demo-data";
import { buildFlagSet } from "../../../durable-objects/snapshot-builder";
import { reseedDemo } from "../support/seed-demo";

beforeEach(async () => {
  await reseedDemo(env);
});

describe("snapshot builder and rules.enabled", () => {
  it("omits a disabled rule and keeps the enabled ones", async () => {
    const ruleId = demoRuleId("BetaUsers", "development");
    await env.DB.prepare("UPDATE rules SET enabled = 0 WHERE id = ?").bind(ruleId).run();
    const content = await buildFlagSet(drizzle(env.DB), DEMO_ENVIRONMENT_IDS.development);
    expect(content.flags.find((f) => f.key === "BetaUsers")!.rules).toEqual([]);
    expect(content.flags.find((f) => f.key === "max_upload_mb")!.rules.map((r) => r.id))
      .toEqual([demoRuleId("max_upload_mb", "development")]);
    const stored = await env.DB.prepare("SELECT enabled FROM rules WHERE id = ?").bind(ruleId).first<{ enabled: number }>();
    expect(stored).toEqual({ enabled: 0 });
  });

  it("new rules are enabled by default", async () => {
    const row = await env.DB.prepare("SELECT enabled FROM rules WHERE id = ?")
      .bind(demoRuleId("dark_mode", "production")).first<{ enabled: number }>();
    expect(row).toEqual({ enabled: 1 });
  });
});
