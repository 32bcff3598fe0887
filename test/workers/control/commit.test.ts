// The commit service: one batch with audit and version rows, CONFLICT for a stale feature version,
// publish only after the batch, and a failed publish logged rather than failing the change.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { features } from "../../../db/schema";
import { DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_TEAM_ID, DEMO_USER_IDS } from "../../../db/seed/demo-data";
import { commit } from "../../../workers/admin/core/commit";
import { controlDeps } from "../../../workers/admin/core/deps";
import { ControlError } from "../../../workers/admin/core/errors";
import { reseedDemo } from "../support/seed-demo";

const actor = { userId: DEMO_USER_IDS.teamadmin, username: "teamadmin" };
const featureId = DEMO_FEATURE_IDS.dark_mode;

function deps(published: string[][] = [], failPublish = false, logged: unknown[] = []) {
  return controlDeps(env, {
    publish: async (ids) => {
      published.push([...ids]);
      if (failPublish) throw new Error("object unavailable");
    },
    log: { warn: (m) => logged.push(m), error: (m) => logged.push(m) },
  });
}

function describeChange(d: ReturnType<typeof deps>, description: string, expectedVersion: number) {
  return commit(d, {
    actor,
    statements: [d.db.update(features).set({ description }).where(eq(features.id, featureId))],
    audit: [{ teamId: DEMO_TEAM_ID, action: "feature.update", entityType: "feature", entityId: featureId, before: { description: "" }, after: { description } }],
    featureVersion: { featureId, expectedVersion, snapshot: { description }, summary: "describe", source: "update" },
    publish: [DEMO_ENVIRONMENT_IDS.production, DEMO_ENVIRONMENT_IDS.production, DEMO_ENVIRONMENT_IDS.staging],
  });
}

beforeEach(() => reseedDemo(env));

describe("commit", () => {
  it("writes the change, its audit row and the next feature version together, then publishes each environment once", async () => {
    const published: string[][] = [];
    const result = await describeChange(deps(published), "first", 1);
    expect(result.featureVersion).toBe(2);
    const row = await env.DB.prepare("SELECT description, version FROM features WHERE id = ?").bind(featureId).first();
    expect(row).toEqual({ description: "first", version: 2 });
    const version = await env.DB.prepare("SELECT version, source, actor_id, snapshot FROM feature_versions WHERE feature_id = ?").bind(featureId).all();
    expect(version.results).toEqual([{ version: 2, source: "update", actor_id: DEMO_USER_IDS.teamadmin, snapshot: '{"description":"first"}' }]);
    const audit = await env.DB.prepare("SELECT action, actor_name, diff FROM audit_log").all();
    expect(audit.results).toEqual([{ action: "feature.update", actor_name: "teamadmin", diff: '{"before":{"description":""},"after":{"description":"first"}}' }]);
    expect(published).toEqual([[DEMO_ENVIRONMENT_IDS.production, DEMO_ENVIRONMENT_IDS.staging]]);
  });

  it("answers CONFLICT to a writer holding a stale version, and changes nothing of its batch", async () => {
    await describeChange(deps(), "first", 1);
    const published: string[][] = [];
    const stale = describeChange(deps(published), "second", 1);
    await expect(stale).rejects.toBeInstanceOf(ControlError);
    await expect(stale).rejects.toMatchObject({ code: "CONFLICT" });
    const row = await env.DB.prepare("SELECT description, version FROM features WHERE id = ?").bind(featureId).first();
    expect(row).toEqual({ description: "first", version: 2 });
    expect((await env.DB.prepare("SELECT count(*) AS n FROM audit_log").first())).toEqual({ n: 1 });
    expect(published).toEqual([]);
  });

  it("lets exactly one of two concurrent writers of the same version win", async () => {
    const outcomes = await Promise.allSettled([describeChange(deps(), "a", 1), describeChange(deps(), "b", 1)]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(["fulfilled", "rejected"]);
  });

  it("keeps a committed change when publishing fails, and logs the failure", async () => {
    const logged: unknown[] = [];
    await expect(describeChange(deps([], true, logged), "kept", 1)).resolves.toMatchObject({ featureVersion: 2 });
    expect(logged).toEqual(["publish after commit failed; the next publish repairs the snapshot"]);
    expect(await env.DB.prepare("SELECT description FROM features WHERE id = ?").bind(featureId).first()).toEqual({ description: "kept" });
  });
});
