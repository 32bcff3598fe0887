// Bulk archive and export through /graphql: the dependency confirmation (refused with the
// dependents listed, unless confirmed or archived together), each feature archived through
// archiveFeature (audit, version, gone from OFREP), the export document, bad inputs, who may call.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_FEATURE_IDS, DEMO_SECRETS, DEMO_TEAM_ID } from "../../../db/seed/demo-data";
import { call } from "../api-support";
import { as, failure, ok, poll, pristine, ROLES, tokenFor } from "./support/config";
import { controlYoga } from "../../../workers/admin/graphql/yoga";
import { codes, gql } from "./support/graphql";
import { countingD1 } from "./support/query-counter";
import { OUTSIDER_TEAM_ID, type Role } from "./support/sessions";

const ARCHIVE = `mutation($t: ID!, $ids: [ID!]!, $confirm: Boolean, $reason: String) {
  bulkArchiveFeatures(teamId: $t, featureIds: $ids, confirmDependents: $confirm, freezeOverrideReason: $reason) {
    succeeded failed results { featureId ok error message version }
  }
}`;
const EXPORT = `query($t: ID!, $ids: [ID!]) { exportFeatures(teamId: $t, featureIds: $ids) }`;
const { BetaUsers, new_checkout_flow, dark_mode, homepage_layout, max_upload_mb } = DEMO_FEATURE_IDS;
const lifecycleOf = (id: string) => env.DB.prepare("SELECT lifecycle FROM features WHERE id = ?").bind(id).first<string>("lifecycle");

beforeEach(pristine);

describe("bulkArchiveFeatures", { timeout: 30_000 }, () => {
  it("refuses while a feature outside the selection requires a selected one, naming both, and writes nothing", async () => {
    const answer = await as("teamadmin", ARCHIVE, { t: DEMO_TEAM_ID, ids: [BetaUsers, dark_mode] });
    expect(answer.errors).toHaveLength(1);
    expect(answer.errors![0]!.extensions).toMatchObject({ code: "CONFLICT", reason: "DEPENDENTS" });
    expect(answer.errors![0]!.message).toBe(
      "Archiving would break features that require the selection: BetaUsers (required by new_checkout_flow). Archive those too, or confirm with confirmDependents: true");
    expect(await lifecycleOf(BetaUsers)).toBe("active");
    expect(await lifecycleOf(dark_mode)).toBe("active");
  });

  it("archives a feature together with its dependents without confirmation; each is audited, versioned and leaves OFREP", async () => {
    const result = ok(await as("requester", ARCHIVE, { t: DEMO_TEAM_ID, ids: [BetaUsers, new_checkout_flow, BetaUsers] })).bulkArchiveFeatures;
    expect(result).toEqual({
      succeeded: 2, failed: 0,
      results: [
        { featureId: BetaUsers, ok: true, error: null, message: null, version: 2 },
        { featureId: new_checkout_flow, ok: true, error: null, message: null, version: 2 },
      ],
    });
    expect(await lifecycleOf(new_checkout_flow)).toBe("archived");
    const audit = await env.DB.prepare("SELECT action, actor_name AS actor FROM audit_log WHERE entity_id = ? ORDER BY created_at DESC LIMIT 1").bind(BetaUsers).first();
    expect(audit).toEqual({ action: "feature.archive", actor: "requester" });
    const answer = await poll(() => call("/ofrep/v1/evaluate/flags/BetaUsers", { secret: DEMO_SECRETS.development, body: { context: { targetingKey: "u" } } }),
      (a) => a.status === 404);
    expect(answer.json).toMatchObject({ key: "BetaUsers", errorCode: "FLAG_NOT_FOUND" });
  });

  it("archives despite dependents when confirmed; an already-archived dependent does not block", async () => {
    const confirmed = ok(await as("teamadmin", ARCHIVE, { t: DEMO_TEAM_ID, ids: [BetaUsers], confirm: true })).bulkArchiveFeatures;
    expect(confirmed.succeeded).toBe(1);
    // new_checkout_flow now requires an archived feature: archiving it alone has no dependents to confirm.
    expect(ok(await as("teamadmin", ARCHIVE, { t: DEMO_TEAM_ID, ids: [new_checkout_flow] })).bulkArchiveFeatures.succeeded).toBe(1);
  });

  it("reports a feature the change guard stops (a protected environment) and archives the rest", async () => {
    await env.DB.prepare(`INSERT INTO approval_policies (id, team_id, name, applies_to, environment_ids, required_approvals, eligible_roles,
      eligible_user_ids, enabled, created_at, updated_at) VALUES ('p1', ?, 'Prod approvals', 'production_only', '[]', 1, '["approver"]', '[]', 1, 0, 0)`)
      .bind(DEMO_TEAM_ID).run();
    const result = ok(await as("teamadmin", ARCHIVE, { t: DEMO_TEAM_ID, ids: [dark_mode] })).bulkArchiveFeatures;
    expect(result.results[0]).toMatchObject({ featureId: dark_mode, ok: false, error: "FORBIDDEN", version: null });
    expect(await lifecycleOf(dark_mode)).toBe("active");
  });

  it("refuses bad input with the field path, unknown or foreign ids with NOT_FOUND", async () => {
    expect(failure(await as("teamadmin", ARCHIVE, { t: DEMO_TEAM_ID, ids: [] }))).toEqual({ code: "BAD_USER_INPUT", field: "featureIds" });
    expect(failure(await as("teamadmin", ARCHIVE, { t: DEMO_TEAM_ID, ids: Array.from({ length: 101 }, (_, i) => `f${i}`) })))
      .toEqual({ code: "BAD_USER_INPUT", field: "featureIds" });
    expect(failure(await as("teamadmin", ARCHIVE, { t: DEMO_TEAM_ID, ids: [dark_mode, "nope"] }))).toEqual({ code: "NOT_FOUND" });
    expect(failure(await as("outsider", ARCHIVE, { t: OUTSIDER_TEAM_ID, ids: [dark_mode] }))).toEqual({ code: "NOT_FOUND" });
    expect(await lifecycleOf(dark_mode)).toBe("active");
  });
});

describe("exportFeatures", () => {
  it("exports the selection as one JSON document with variants, prerequisites, stages and rules", async () => {
    const document = ok(await as("viewer", EXPORT, { t: DEMO_TEAM_ID, ids: [new_checkout_flow, max_upload_mb] })).exportFeatures;
    expect(document.format).toBe("fluxgate.features/v1");
    expect(document.team).toEqual({ id: DEMO_TEAM_ID, name: "Acme" });
    expect(document.features.map((f: { key: string }) => f.key)).toEqual(["max_upload_mb", "new_checkout_flow"]);
    const [upload, checkout] = document.features;
    expect(upload).toMatchObject({
      key: "max_upload_mb", type: "number", lifecycle: "active", killSwitchActive: false, version: 1,
      variants: [{ key: "standard", value: 10, description: expect.any(String) }, { key: "pro", value: 100, description: expect.any(String) }],
      prerequisites: [],
    });
    expect(upload.stages.map((s: { environmentKey: string; status: string }) => [s.environmentKey, s.status]))
      .toEqual([["development", "DEPLOYED"], ["staging", "DEPLOYED"], ["production", "DEPLOYED"]]);
    expect(upload.stages[0]).toMatchObject({
      defaultVariant: "standard",
      rules: [{ priority: 10, enabled: true, match: [{ operator: "and", conditions: [{ attribute: "plan", operator: "equals", value: "pro" }] }], serve: { kind: "variant", variant: "pro" } }],
    });
    expect(checkout.prerequisites).toEqual([{ featureKey: "BetaUsers", variant: null }]);
  });

  it("exports every feature of the team when no selection is given; refuses foreign ids", async () => {
    const document = ok(await as("requester", EXPORT, { t: DEMO_TEAM_ID })).exportFeatures;
    expect(document.features.map((f: { key: string }) => f.key)).toEqual(
      ["BetaUsers", "checkout_button_text", "dark_mode", "homepage_layout", "legacy_search", "max_upload_mb", "new_checkout_flow"]);
    expect(failure(await as("teamadmin", EXPORT, { t: DEMO_TEAM_ID, ids: [homepage_layout, "nope"] }))).toEqual({ code: "NOT_FOUND" });
    expect(failure(await as("teamadmin", EXPORT, { t: DEMO_TEAM_ID, ids: [] }))).toEqual({ code: "BAD_USER_INPUT", field: "featureIds" });
  });
});

describe("exportFeatures cost", () => {
  it("costs 2 D1 round trips whatever the selection: the caller (whose membership proves the team), one batch", async () => {
    const counter = countingD1(env.DB);
    const token = await tokenFor("viewer");
    const run = async (variables: Record<string, unknown>) => {
      counter.reset();
      const response = await controlYoga().fetch(new Request("http://fluxgate.test/graphql", {
        method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: EXPORT, variables }),
      }), { env: { ...env, DB: counter.db } });
      const body = (await response.json()) as { data: { exportFeatures: { features: unknown[] } } };
      return { features: body.data.exportFeatures.features.length, roundTrips: counter.counts.roundTrips };
    };
    await run({ t: DEMO_TEAM_ID }); // warms the isolate's signing-key cache, which is per D1 binding
    expect(await run({ t: DEMO_TEAM_ID })).toEqual({ features: 7, roundTrips: 2 });
    expect(await run({ t: DEMO_TEAM_ID, ids: [dark_mode] })).toEqual({ features: 1, roundTrips: 2 });
  });
});

describe("who may archive and export in bulk", () => {
  const archive: Record<Role, string | null> = { admin: null, teamadmin: null, approver: "FORBIDDEN", requester: null, viewer: "FORBIDDEN", outsider: "NOT_FOUND" };
  for (const role of ROLES) {
    it(`as ${role}: export ${role === "outsider" ? "NOT_FOUND" : "allowed"}, archive ${archive[role] ?? "allowed"}`, async () => {
      expect(codes(await as(role, EXPORT, { t: DEMO_TEAM_ID, ids: [dark_mode] }))).toEqual(role === "outsider" ? ["NOT_FOUND"] : []);
      expect(codes(await as(role, ARCHIVE, { t: DEMO_TEAM_ID, ids: [dark_mode] }))).toEqual(archive[role] ? [archive[role]] : []);
    });
  }
  it("anonymously: UNAUTHENTICATED", async () => {
    expect(codes(await gql(EXPORT, { t: DEMO_TEAM_ID }))).toEqual(["UNAUTHENTICATED"]);
    expect(codes(await gql(ARCHIVE, { t: DEMO_TEAM_ID, ids: [dark_mode] }))).toEqual(["UNAUTHENTICATED"]);
  });
});

describe("importFeatures", { timeout: 30_000 }, () => {
  const IMPORT = `mutation($t: ID!, $p: ID!, $d: JSON!) {
    importFeatures(teamId: $t, pipelineId: $p, document: $d) { created skipped failed results { key status featureId error { code message } notes } }
  }`;
  const PIPELINE = "00000000-0000-4000-8000-0000000000b0";
  const renamed = (document: any, suffix: string) => ({
    ...document,
    features: document.features.map((f: any) => ({
      ...f, key: `${f.key}${suffix}`,
      prerequisites: f.prerequisites.map((p: any) => ({ ...p, featureKey: `${p.featureKey}${suffix}` })),
    })),
  });

  it("restores exported features under new keys: variants, prerequisites, stage variants and rules; not deploy states", async () => {
    const exported = ok(await as("viewer", EXPORT, { t: DEMO_TEAM_ID, ids: [BetaUsers, new_checkout_flow, max_upload_mb] })).exportFeatures;
    const result = ok(await as("requester", IMPORT, { t: DEMO_TEAM_ID, p: PIPELINE, d: renamed(exported, "_copy") })).importFeatures;
    expect(result).toMatchObject({ created: 3, skipped: 0, failed: 0 });
    expect(result.results.map((r: { key: string; status: string }) => [r.key, r.status]))
      .toEqual([["BetaUsers_copy", "CREATED"], ["max_upload_mb_copy", "CREATED"], ["new_checkout_flow_copy", "CREATED"]]);
    expect(result.results[0].notes).toEqual(["bucketing salt is now BetaUsers_copy (was BetaUsers): users are bucketed afresh"]);
    const ids = result.results.map((r: { featureId: string }) => r.featureId);
    const again = ok(await as("viewer", EXPORT, { t: DEMO_TEAM_ID, ids })).exportFeatures;
    const comparable = (f: any) => ({
      ...f, key: undefined, name: undefined, salt: undefined, version: undefined,
      prerequisites: f.prerequisites.map((p: any) => ({ ...p, featureKey: p.featureKey.replace("_copy", "") })),
      stages: f.stages.map((s: any) => ({ ...s, status: undefined })),
    });
    expect(again.features.map(comparable)).toEqual(renamed(exported, "").features.map(comparable));
    expect(again.features.every((f: any) => f.stages.every((s: any) => s.status === "NOT_DEPLOYED"))).toBe(true);
  });

  it("carries purpose, referenceUrl, expiresAt and cleanupReason through export and import", async () => {
    const metadata = {
      purpose: "Gate the beta", referenceUrl: "https://tracker.example/FG-12",
      expiresAt: "2027-01-31T00:00:00.000Z", cleanupReason: "remove after GA",
    };
    ok(await as("teamadmin", `mutation($input: UpdateFeatureInput!) { updateFeature(input: $input) { id } }`,
      { input: { id: BetaUsers, ...metadata } }));
    const exported = ok(await as("viewer", EXPORT, { t: DEMO_TEAM_ID, ids: [BetaUsers] })).exportFeatures;
    expect(exported.features[0]).toMatchObject(metadata);
    const result = ok(await as("teamadmin", IMPORT, { t: DEMO_TEAM_ID, p: PIPELINE, d: renamed(exported, "_meta") })).importFeatures;
    expect(result).toMatchObject({ created: 1, failed: 0 });
    const again = ok(await as("viewer", EXPORT, { t: DEMO_TEAM_ID, ids: [result.results[0].featureId] })).exportFeatures;
    expect(again.features[0]).toMatchObject({ key: "BetaUsers_meta", ...metadata });
  });

  it("skips keys the team has, notes what a protected environment keeps back, and refuses a foreign document", async () => {
    await env.DB.prepare(`INSERT INTO approval_policies (id, team_id, name, applies_to, environment_ids, required_approvals, eligible_roles,
      eligible_user_ids, enabled, created_at, updated_at) VALUES ('p1', ?, 'Prod approvals', 'production_only', '[]', 1, '["approver"]', '[]', 1, 0, 0)`)
      .bind(DEMO_TEAM_ID).run();
    const exported = ok(await as("viewer", EXPORT, { t: DEMO_TEAM_ID, ids: [max_upload_mb] })).exportFeatures;
    const both = { ...exported, features: [...exported.features, ...renamed(exported, "_v2").features] };
    const result = ok(await as("teamadmin", IMPORT, { t: DEMO_TEAM_ID, p: PIPELINE, d: both })).importFeatures;
    expect(result).toMatchObject({ created: 1, skipped: 1, failed: 0 });
    expect(result.results[0]).toEqual({ key: "max_upload_mb", status: "SKIPPED", featureId: null, error: null, notes: ["a feature with this key exists in the team: left unchanged"] });
    expect(result.results[1].notes).toContain(
      `production: rules not restored: Environment "Production" is protected by the approval policy "Prod approvals": request the change for approval instead`);
    expect(failure(await as("teamadmin", IMPORT, { t: DEMO_TEAM_ID, p: PIPELINE, d: { format: "other", features: [] } })))
      .toEqual({ code: "BAD_USER_INPUT", field: "document.format" });
    expect(failure(await as("teamadmin", IMPORT, { t: DEMO_TEAM_ID, p: PIPELINE, d: { ...exported, features: [{ key: "x", type: "colour" }] } })))
      .toEqual({ code: "BAD_USER_INPUT", field: "document.features.0.type" });
    const badKey = ok(await as("teamadmin", IMPORT, { t: DEMO_TEAM_ID, p: PIPELINE, d: { ...exported, features: [{ key: "9lives", type: "boolean" }] } })).importFeatures;
    expect(badKey.results[0]).toMatchObject({ status: "FAILED", error: { code: "BAD_USER_INPUT" } });
  });

  it("who may import", async () => {
    const exported = ok(await as("viewer", EXPORT, { t: DEMO_TEAM_ID, ids: [dark_mode] })).exportFeatures;
    const expected: Record<Role, string | null> = { admin: null, teamadmin: null, approver: "FORBIDDEN", requester: null, viewer: "FORBIDDEN", outsider: "NOT_FOUND" };
    for (const role of ROLES) {
      expect(codes(await as(role, IMPORT, { t: DEMO_TEAM_ID, p: PIPELINE, d: renamed(exported, `_${role}`) }))).toEqual(expected[role] ? [expected[role]] : []);
    }
    expect(codes(await gql(IMPORT, { t: DEMO_TEAM_ID, p: PIPELINE, d: exported }))).toEqual(["UNAUTHENTICATED"]);
  });
});
