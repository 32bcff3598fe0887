// The features list's filters (name, type, lifecycle, owner, tags, includeArchived, stale, expired,
// dependencyStatus, approvalStatus) with exact results on the demo flags, the bookkeeping fields
// (purpose, referenceUrl, expiresAt, cleanupReason), bad inputs with field paths, the round trips
// of a fully filtered page, and who may read and write them.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_TEAM_ID, demoStageId } from "../../../db/seed/demo-data";
import { FEATURE_LIST_QUERIES } from "../../../workers/admin/configuration/features.graphql";
import { controlYoga } from "../../../workers/admin/graphql/yoga";
import { as, codes, failure, ok, pristine, ROLES, tokenFor } from "./support/config";
import { countingD1, FEATURE_LIST_QUERY } from "./support/query-counter";

type Key = keyof typeof DEMO_FEATURE_IDS;
const LIST = /* GraphQL */ `query($t: ID!, $f: FeatureFilter) { features(teamId: $t, filter: $f, first: 100) { nodes { key } } }`;
const UPDATE = /* GraphQL */ `mutation($input: UpdateFeatureInput!) {
  updateFeature(input: $input) { key owner tags purpose referenceUrl expiresAt cleanupReason }
}`;
const keys = async (filter: Record<string, unknown>, role: Parameters<typeof as>[0] = "viewer") =>
  (ok(await as(role, LIST, { t: DEMO_TEAM_ID, f: filter })).features.nodes as { key: string }[]).map((n) => n.key);
const update = async (feature: Key, fields: Record<string, unknown>) =>
  ok(await as("teamadmin", UPDATE, { input: { id: DEMO_FEATURE_IDS[feature], ...fields } })).updateFeature;
const ALL = ["BetaUsers", "checkout_button_text", "dark_mode", "homepage_layout", "legacy_search", "max_upload_mb", "new_checkout_flow"];
const minuteNow = () => Math.floor(Date.now() / 60_000);
const countEvaluations = (flagKey: string, minutesAgo: number) => env.DB.prepare(
  "INSERT INTO evaluation_rollups (environment_id, minute, flag_key, variant, reason, count) VALUES (?, ?, ?, '', 'STATIC', 3)",
).bind(DEMO_ENVIRONMENT_IDS.staging, minuteNow() - minutesAgo, flagKey).run();

beforeEach(pristine);

describe("features list filters", () => {
  it("name: a case-insensitive substring of the name or key", async () => {
    expect(await keys({ name: "CHECKOUT" })).toEqual(["checkout_button_text", "new_checkout_flow"]);
    await update("dark_mode", { name: "Night theme" });
    expect(await keys({ name: "night" })).toEqual(["dark_mode"]);
    expect(await keys({ name: "100%_" })).toEqual([]);
  });

  it("type", async () => {
    expect(await keys({ type: "NUMBER" })).toEqual(["max_upload_mb"]);
    expect(await keys({ type: "JSON" })).toEqual(["homepage_layout"]);
    expect(await keys({ type: "BOOLEAN" })).toEqual(["BetaUsers", "dark_mode", "legacy_search", "new_checkout_flow"]);
  });

  it("lifecycle, includeArchived", async () => {
    await update("legacy_search", { lifecycle: "deprecated" });
    ok(await as("teamadmin", `mutation($id: ID!) { archiveFeature(id: $id) { key } }`, { id: DEMO_FEATURE_IDS.max_upload_mb }));
    expect(await keys({ lifecycle: "deprecated" })).toEqual(["legacy_search"]);
    expect(await keys({})).toEqual(ALL.filter((k) => k !== "max_upload_mb"));
    expect(await keys({ includeArchived: true })).toEqual(ALL);
    expect(await keys({ lifecycle: "archived" })).toEqual(["max_upload_mb"]);
  });

  it("owner (exact) and tags (any of), with the single tag filter", async () => {
    await update("dark_mode", { owner: "growth", tags: ["ui", "q4"] });
    await update("homepage_layout", { owner: "web", tags: ["ui"] });
    await update("max_upload_mb", { owner: "growth", tags: ["limits"] });
    expect(await keys({ owner: "growth" })).toEqual(["dark_mode", "max_upload_mb"]);
    expect(await keys({ owner: "grow" })).toEqual([]);
    expect(await keys({ tags: ["q4", "limits"] })).toEqual(["dark_mode", "max_upload_mb"]);
    expect(await keys({ tags: ["ui"] })).toEqual(["dark_mode", "homepage_layout"]);
    expect(await keys({ tag: "ui", owner: "web" })).toEqual(["homepage_layout"]);
  });

  it("stale: not archived, created 30+ days ago and not evaluated in any of the team's environments for 30 days", async () => {
    // The demo flags were created on 2026-01-01; none has been evaluated yet.
    await countEvaluations("BetaUsers", 5);
    await countEvaluations("dark_mode", 29 * 24 * 60);
    await countEvaluations("max_upload_mb", 31 * 24 * 60);
    const created = ok(await as("teamadmin", `mutation($input: CreateFeatureInput!) { createFeature(input: $input) { key } }`, {
      input: { teamId: DEMO_TEAM_ID, pipelineId: "00000000-0000-4000-8000-0000000000b0", key: "brand_new", type: "BOOLEAN" },
    })).createFeature;
    expect(created.key).toBe("brand_new");
    const stale = ["checkout_button_text", "homepage_layout", "legacy_search", "max_upload_mb", "new_checkout_flow"];
    expect(await keys({ stale: true })).toEqual(stale);
    expect(await keys({ stale: false })).toEqual(["BetaUsers", "brand_new", "dark_mode"]);
  });

  it("expired: expiresAt past (set, cleared)", async () => {
    const past = new Date(Date.now() - 3600_000).toISOString();
    const future = new Date(Date.now() + 3600_000).toISOString();
    await update("legacy_search", { expiresAt: past, cleanupReason: "replaced by the new search" });
    await update("dark_mode", { expiresAt: future });
    expect(await keys({ expired: true })).toEqual(["legacy_search"]);
    expect(await keys({ expired: false })).toEqual(ALL.filter((k) => k !== "legacy_search"));
    await update("legacy_search", { expiresAt: null });
    expect(await keys({ expired: true })).toEqual([]);
  });

  it("dependencyStatus: NONE, HEALTHY, BLOCKED (an archived prerequisite)", async () => {
    expect(await keys({ dependencyStatus: "HEALTHY" })).toEqual(["new_checkout_flow"]);
    expect(await keys({ dependencyStatus: "NONE" })).toEqual(ALL.filter((k) => k !== "new_checkout_flow"));
    expect(await keys({ dependencyStatus: "BLOCKED" })).toEqual([]);
    ok(await as("teamadmin", `mutation($id: ID!) { archiveFeature(id: $id) { key } }`, { id: DEMO_FEATURE_IDS.BetaUsers }));
    expect(await keys({ dependencyStatus: "BLOCKED" })).toEqual(["new_checkout_flow"]);
    expect(await keys({ dependencyStatus: "HEALTHY" })).toEqual([]);
  });

  it("approvalStatus: PENDING while an approval request of the feature is pending", async () => {
    ok(await as("requester", `mutation($s: ID!) { requestRollback(stageId: $s) { status } }`, { s: demoStageId("dark_mode", "staging") }));
    expect(await keys({ approvalStatus: "PENDING" })).toEqual(["dark_mode"]);
    expect(await keys({ approvalStatus: "NONE" })).toEqual(ALL.filter((k) => k !== "dark_mode"));
    expect(await keys({ approvalStatus: "PENDING", type: "NUMBER" })).toEqual([]);
  });

  it("bad filters name their field", async () => {
    const field = async (f: Record<string, unknown>) => failure(await as("viewer", LIST, { t: DEMO_TEAM_ID, f }));
    expect(await field({ name: "  " })).toEqual({ code: "BAD_USER_INPUT", field: "filter.name" });
    expect(await field({ tags: [] })).toEqual({ code: "BAD_USER_INPUT", field: "filter.tags" });
    expect(await field({ tags: ["x".repeat(51)] })).toEqual({ code: "BAD_USER_INPUT", field: "filter.tags.0" });
  });

  it("a page with every filter set costs the same D1 round trips as without", async () => {
    const counter = countingD1(env.DB);
    const token = await tokenFor("viewer");
    const run = async (filter: Record<string, unknown>) => {
      counter.reset();
      const query = FEATURE_LIST_QUERY.replace("features(teamId: $t", "features(teamId: $t, filter: $f");
      const response = await controlYoga().fetch(new Request("http://fluxgate.test/graphql", {
        method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: query.replace("query(", "query($f: FeatureFilter, "), variables: { t: DEMO_TEAM_ID, first: 7, f: filter } }),
      }), { env: { ...env, DB: counter.db } });
      const body = (await response.json()) as { data?: { features: { nodes: { key: string }[] } }; errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return { keys: body.data!.features.nodes.map((n) => n.key), roundTrips: counter.counts.roundTrips };
    };
    await run({});
    expect(await run({})).toEqual({ keys: ALL, roundTrips: FEATURE_LIST_QUERIES });
    expect(await run({ name: "checkout", type: "BOOLEAN", stale: true, expired: false, dependencyStatus: "HEALTHY", approvalStatus: "NONE" }))
      .toEqual({ keys: ["new_checkout_flow"], roundTrips: FEATURE_LIST_QUERIES });
  });
});

describe("feature bookkeeping fields", () => {
  it("are set at creation, changed and cleared by updateFeature, and audited", async () => {
    const expiresAt = "2027-03-01T00:00:00.000Z";
    const created = ok(await as("requester", `mutation($input: CreateFeatureInput!) {
      createFeature(input: $input) { key purpose referenceUrl expiresAt cleanupReason }
    }`, { input: {
      teamId: DEMO_TEAM_ID, pipelineId: "00000000-0000-4000-8000-0000000000b0", key: "promo_banner", type: "BOOLEAN",
      purpose: "Spring campaign", referenceUrl: "https://tracker.acme.test/FG-12", expiresAt, cleanupReason: "campaign ends",
    } })).createFeature;
    expect(created).toEqual({
      key: "promo_banner", purpose: "Spring campaign", referenceUrl: "https://tracker.acme.test/FG-12", expiresAt, cleanupReason: "campaign ends",
    });
    const changed = await update("dark_mode", { purpose: "Dark theme", referenceUrl: "http://wiki.acme.test/dark" });
    expect(changed).toMatchObject({ purpose: "Dark theme", referenceUrl: "http://wiki.acme.test/dark", expiresAt: null, cleanupReason: null });
    const cleared = await update("dark_mode", { referenceUrl: null, tags: ["x"] });
    expect(cleared).toMatchObject({ purpose: "Dark theme", referenceUrl: null, tags: ["x"] });
    const audit = await env.DB.prepare("SELECT diff FROM audit_log WHERE entity_id = ? AND action = 'feature.update' ORDER BY rowid DESC LIMIT 1")
      .bind(DEMO_FEATURE_IDS.dark_mode).first<{ diff: string }>();
    expect(audit!.diff).toContain("http://wiki.acme.test/dark");
  });

  it("refuse bad values with field paths", async () => {
    const bad = async (fields: Record<string, unknown>) => failure(await as("teamadmin", UPDATE, { input: { id: DEMO_FEATURE_IDS.dark_mode, ...fields } }));
    expect(await bad({ referenceUrl: "ftp://files.acme.test/x" })).toEqual({ code: "BAD_USER_INPUT", field: "input.referenceUrl" });
    expect(await bad({ referenceUrl: "not a url" })).toEqual({ code: "BAD_USER_INPUT", field: "input.referenceUrl" });
    expect(await bad({ purpose: "p".repeat(1001) })).toEqual({ code: "BAD_USER_INPUT", field: "input.purpose" });
    expect(await bad({ cleanupReason: "c".repeat(1001) })).toEqual({ code: "BAD_USER_INPUT", field: "input.cleanupReason" });
  });

  const write: Record<string, string | null> = {
    admin: null, teamadmin: null, approver: "FORBIDDEN", requester: null, viewer: "FORBIDDEN", outsider: "NOT_FOUND",
  };
  for (const role of ROLES) {
    it(`${role}: filtered list ${role === "outsider" ? "NOT_FOUND" : "allowed"}; setting purpose ${write[role] ?? "allowed"}`, async () => {
      const list = await as(role, LIST, { t: DEMO_TEAM_ID, f: { type: "NUMBER", stale: true } });
      expect(codes(list)).toEqual(role === "outsider" ? ["NOT_FOUND"] : []);
      if (role !== "outsider") expect(list.data!.features.nodes).toEqual([{ key: "max_upload_mb" }]);
      const answer = await as(role, UPDATE, { input: { id: DEMO_FEATURE_IDS.max_upload_mb, purpose: "uploads" } });
      expect(codes(answer)).toEqual(write[role] ? [write[role]] : []);
    });
  }
});
