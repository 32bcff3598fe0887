// Features, variants and prerequisites through /graphql: creation from a pipeline, key rules, the
// salt, lifecycle, updates with versions and CONFLICT, archive, delete; variant values against the
// feature's type; prerequisites within the team with cycle detection.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import {
  DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_PIPELINE_ID, DEMO_SECRETS, DEMO_TEAM_ID, demoStageId, demoVariantId,
} from "../../../db/seed/demo-data";
import { call } from "../api-support";
import { as, failure, ok, poll, pristine } from "./support/config";
import { OUTSIDER_TEAM_ID } from "./support/sessions";

const FEATURE_FIELDS = "id key name type salt description lifecycle owner tags version pipelineId variants { control value valueType } stages { status defaultVariant offVariant environment { key } rules { id } } prerequisites { feature { key } variant }";
const CREATE = `mutation($input: CreateFeatureInput!) { createFeature(input: $input) { ${FEATURE_FIELDS} } }`;
const UPDATE = `mutation($input: UpdateFeatureInput!) { updateFeature(input: $input) { key salt description lifecycle owner tags version } }`;
const ADD_VARIANT = `mutation($input: CreateFeatureVariantInput!) { createFeatureVariant(input: $input) { id control value valueType description } }`;
const SET_PREREQUISITE = `mutation($input: SetFeaturePrerequisiteInput!) { setFeaturePrerequisite(input: $input) { key prerequisites { feature { key } variant } } }`;

const base = { teamId: DEMO_TEAM_ID, pipelineId: DEMO_PIPELINE_ID };
const create = async (input: Record<string, unknown>, role: "teamadmin" | "requester" = "requester") =>
  ok(await as(role, CREATE, { input: { ...base, ...input } })).createFeature;

beforeEach(pristine);

describe("createFeature", { timeout: 20_000 }, () => {
  it("creates one not-deployed stage per pipeline stage, salt = key, version 1, draft", async () => {
    const feature = await create({
      key: "search.v2", type: "STRING", description: "New search", owner: "search-team", tags: ["search", "q3", "search"],
      variants: [{ key: "off", value: "\"legacy\"" }, { key: "on", value: "\"v2\"", description: "new" }],
    });
    expect(feature).toEqual({
      id: expect.any(String), key: "search.v2", name: "search.v2", type: "STRING", salt: "search.v2", description: "New search",
      lifecycle: "draft", owner: "search-team", tags: ["search", "q3"], version: 1, pipelineId: DEMO_PIPELINE_ID,
      variants: [{ control: "off", value: "\"legacy\"", valueType: "STRING" }, { control: "on", value: "\"v2\"", valueType: "STRING" }],
      stages: ["development", "staging", "production"].map((key) => ({
        status: "NOT_DEPLOYED", defaultVariant: "off", offVariant: "off", environment: { key }, rules: [],
      })),
      prerequisites: [],
    });
    const versions = await env.DB.prepare("SELECT version, source FROM feature_versions WHERE feature_id = ?").bind(feature.id).all();
    expect(versions.results).toEqual([{ version: 1, source: "create" }]);
  });

  it("a boolean feature without variants serves the implicit on/off; default and off are off", async () => {
    const feature = await create({ key: "flagX", type: "BOOLEAN" });
    expect(feature.variants).toEqual([]);
    expect(feature.stages[0]).toMatchObject({ defaultVariant: "off", offVariant: "off" });
  });

  it.each([
    [{ key: "x", type: "BOOLEAN" }, "input.key"],
    [{ key: "1abc", type: "BOOLEAN" }, "input.key"],
    [{ key: "has space", type: "BOOLEAN" }, "input.key"],
    [{ key: `a${"b".repeat(100)}`, type: "BOOLEAN" }, "input.key"],
    [{ key: "ok_key", type: "NUMBER", variants: [{ key: "a", value: "\"ten\"" }] }, "input.variants.0.value"],
    [{ key: "ok_key", type: "BOOLEAN", variants: [{ key: "a", value: "1" }] }, "input.variants.0.value"],
    [{ key: "ok_key", type: "JSON", variants: [{ key: "a", value: "{bad json" }] }, "input.variants.0.value"],
    [{ key: "ok_key", type: "STRING", variants: [{ key: "a", value: "\"x\"" }, { key: "a", value: "\"y\"" }] }, "input.variants.1.key"],
    [{ key: "ok_key", type: "STRING", variants: [{ key: "-a", value: "\"x\"" }] }, "input.variants.0.key"],
    [{ key: "ok_key", type: "STRING", variants: [{ key: "a", value: "\"x\"" }], defaultVariant: "b" }, "input.defaultVariant"],
    [{ key: "ok_key", type: "BOOLEAN", tags: ["x".repeat(51)] }, "input.tags.0"],
    [{ key: "ok_key", type: "BOOLEAN", pipelineId: "no-such-pipeline" }, "input.pipelineId"],
  ])("rejects %j at %s", async (input, field) => {
    expect(failure(await as("requester", CREATE, { input: { ...base, ...input } }))).toEqual({ code: "BAD_USER_INPUT", field });
  });

  it("refuses a key already used in the team with CONFLICT", async () => {
    expect(failure(await as("requester", CREATE, { input: { ...base, key: "dark_mode", type: "BOOLEAN" } }))).toEqual({ code: "CONFLICT" });
  });

  it("refuses a pipeline of another team as if it did not exist", async () => {
    const now = Date.now();
    await env.DB.prepare("INSERT INTO pipelines (id, team_id, name, description, created_at, updated_at) VALUES ('globex-p', ?, 'P', '', ?, ?)")
      .bind(OUTSIDER_TEAM_ID, now, now).run();
    expect(failure(await as("requester", CREATE, { input: { ...base, key: "abc", type: "BOOLEAN", pipelineId: "globex-p" } })))
      .toEqual({ code: "BAD_USER_INPUT", field: "input.pipelineId" });
  });
});

describe("updateFeature, archiveFeature, deleteFeature", { timeout: 20_000 }, () => {
  it("renaming keeps the salt (buckets) and bumps the version; a stale expectedVersion is CONFLICT", async () => {
    const updated = ok(await as("requester", UPDATE, {
      input: { id: DEMO_FEATURE_IDS.dark_mode, key: "dark_theme", lifecycle: "deprecated", owner: "ui", tags: ["ui"], expectedVersion: 1 },
    })).updateFeature;
    expect(updated).toEqual({ key: "dark_theme", salt: "dark_mode", description: "Dark theme, rolled out to a quarter of users", lifecycle: "deprecated", owner: "ui", tags: ["ui"], version: 2 });
    expect(failure(await as("requester", UPDATE, { input: { id: DEMO_FEATURE_IDS.dark_mode, description: "x", expectedVersion: 1 } })))
      .toEqual({ code: "CONFLICT" });
    const cleared = ok(await as("requester", UPDATE, { input: { id: DEMO_FEATURE_IDS.dark_mode, owner: null } })).updateFeature;
    expect(cleared.owner).toBeNull();
  });

  it("renaming to a key in use is CONFLICT; a bad lifecycle is a GraphQL input error", async () => {
    expect(failure(await as("requester", UPDATE, { input: { id: DEMO_FEATURE_IDS.dark_mode, key: "BetaUsers" } }))).toEqual({ code: "CONFLICT" });
    const answer = await as("requester", UPDATE, { input: { id: DEMO_FEATURE_IDS.dark_mode, lifecycle: "gone" } });
    expect(answer.errors?.[0]?.message).toContain('Value "gone" does not exist in "Lifecycle" enum');
  });

  it("archiving takes the flag out of evaluation", async () => {
    const archived = ok(await as("teamadmin", `mutation($id: ID!) { archiveFeature(id: $id) { lifecycle } }`, { id: DEMO_FEATURE_IDS.max_upload_mb })).archiveFeature;
    expect(archived).toEqual({ lifecycle: "archived" });
    const answer = await poll(() => call("/ofrep/v1/evaluate/flags/max_upload_mb", { secret: DEMO_SECRETS.development, body: { context: { targetingKey: "u" } } }),
      (a) => a.status === 404);
    expect(answer.json).toMatchObject({ key: "max_upload_mb", errorCode: "FLAG_NOT_FOUND" });
    const list = ok(await as("viewer", `query($t: ID!) { features(teamId: $t, filter: { keyPrefix: "max" }) { nodes { key } } }`, { t: DEMO_TEAM_ID })).features;
    expect(list.nodes).toEqual([]);
    const withArchived = ok(await as("viewer", `query($t: ID!) { features(teamId: $t, filter: { lifecycle: archived }) { nodes { key } } }`, { t: DEMO_TEAM_ID })).features;
    expect(withArchived.nodes).toEqual([{ key: "max_upload_mb" }]);
  });

  it("deleting a feature another one requires is CONFLICT; deleting it removes it", async () => {
    const refused = await as("teamadmin", `mutation($id: ID!) { deleteFeature(id: $id) { key } }`, { id: DEMO_FEATURE_IDS.BetaUsers });
    expect(failure(refused)).toEqual({ code: "CONFLICT" });
    expect(refused.errors![0]!.message).toBe("Feature BetaUsers is a prerequisite of new_checkout_flow; remove those prerequisites first");
    const deleted = ok(await as("teamadmin", `mutation($id: ID!) { deleteFeature(id: $id) { key } }`, { id: DEMO_FEATURE_IDS.dark_mode })).deleteFeature;
    expect(deleted).toEqual({ key: "dark_mode" });
    expect(failure(await as("teamadmin", `query($id: ID!) { feature(id: $id) { key } }`, { id: DEMO_FEATURE_IDS.dark_mode }))).toEqual({ code: "NOT_FOUND" });
  });

  it("lists the team's features by key, filtered and paginated", async () => {
    const page = ok(await as("viewer", `query($t: ID!) { features(teamId: $t, first: 2) { nodes { key } pageInfo { hasNextPage endCursor } } }`, { t: DEMO_TEAM_ID })).features;
    expect(page.nodes).toEqual([{ key: "BetaUsers" }, { key: "checkout_button_text" }]);
    expect(page.pageInfo.hasNextPage).toBe(true);
    await create({ key: "tagged", type: "BOOLEAN", tags: ["beta"] });
    const tagged = ok(await as("viewer", `query($t: ID!) { features(teamId: $t, filter: { tag: "beta" }) { nodes { key } } }`, { t: DEMO_TEAM_ID })).features;
    expect(tagged.nodes).toEqual([{ key: "tagged" }]);
    const prefix = ok(await as("viewer", `query($t: ID!) { features(teamId: $t, filter: { keyPrefix: "new_" }) { nodes { key } } }`, { t: DEMO_TEAM_ID })).features;
    expect(prefix.nodes).toEqual([{ key: "new_checkout_flow" }]);
    expect(failure(await as("viewer", `query($t: ID!) { features(teamId: $t, first: 101) { nodes { key } } }`, { t: DEMO_TEAM_ID })))
      .toEqual({ code: "BAD_USER_INPUT", field: "first" });
  });
});

describe("variants", { timeout: 20_000 }, () => {
  it.each([
    ["BOOLEAN", DEMO_FEATURE_IDS.BetaUsers, "true", "\"true\""],
    ["STRING", DEMO_FEATURE_IDS.checkout_button_text, "\"Pay\"", "42"],
    ["NUMBER", DEMO_FEATURE_IDS.max_upload_mb, "1000", "\"1000\""],
    ["JSON", DEMO_FEATURE_IDS.homepage_layout, "[1,2]", "\"x\""],
  ])("a %s feature accepts %s and refuses %s at input.value", async (valueType, featureId, good, bad) => {
    const accepted = ok(await as("requester", ADD_VARIANT, { input: { featureId, control: "extra", value: good, valueType } })).createFeatureVariant;
    expect(accepted).toMatchObject({ control: "extra", value: good, valueType });
    const refused = await as("requester", ADD_VARIANT, { input: { featureId, control: "extra2", value: bad, valueType } });
    expect(failure(refused)).toEqual({ code: "BAD_USER_INPUT", field: "input.value" });
  });

  it("the first variant of a boolean feature stores the implicit on/off too, so existing rules keep serving", async () => {
    ok(await as("requester", ADD_VARIANT, { input: { featureId: DEMO_FEATURE_IDS.BetaUsers, control: "maybe", value: "false", valueType: "BOOLEAN" } }));
    const feature = ok(await as("viewer", `query($id: ID!) { feature(id: $id) { variants { control value } } }`, { id: DEMO_FEATURE_IDS.BetaUsers })).feature;
    expect(feature.variants).toEqual([{ control: "on", value: "true" }, { control: "off", value: "false" }, { control: "maybe", value: "false" }]);
    const answer = await poll(() => call("/ofrep/v1/evaluate/flags/BetaUsers", { secret: DEMO_SECRETS.development, body: { context: { targetingKey: "u", role: "admin" } } }),
      (a) => a.json?.value === true);
    expect(answer.json).toMatchObject({ value: true, variant: "on", reason: "TARGETING_MATCH" });
  });

  it("a duplicate key is CONFLICT; a bad key is BAD_USER_INPUT at input.control", async () => {
    expect(failure(await as("requester", ADD_VARIANT, { input: { featureId: DEMO_FEATURE_IDS.max_upload_mb, control: "pro", value: "1", valueType: "NUMBER" } })))
      .toEqual({ code: "CONFLICT" });
    expect(failure(await as("requester", ADD_VARIANT, { input: { featureId: DEMO_FEATURE_IDS.max_upload_mb, control: "a b", value: "1", valueType: "NUMBER" } })))
      .toEqual({ code: "BAD_USER_INPUT", field: "input.control" });
  });

  it("updates a value (checked against the type) and refuses to delete a variant still served", async () => {
    const UPDATE_VARIANT = `mutation($input: UpdateFeatureVariantInput!) { updateFeatureVariant(input: $input) { control value valueType } }`;
    const updated = ok(await as("requester", UPDATE_VARIANT, { input: { id: demoVariantId("max_upload_mb", 1), value: "250" } })).updateFeatureVariant;
    expect(updated).toEqual({ control: "pro", value: "250", valueType: "NUMBER" });
    expect(failure(await as("requester", UPDATE_VARIANT, { input: { id: demoVariantId("max_upload_mb", 1), value: "true" } })))
      .toEqual({ code: "BAD_USER_INPUT", field: "input.value" });
    const refused = await as("requester", `mutation($id: ID!) { deleteFeatureVariant(id: $id) { control } }`, { id: demoVariantId("max_upload_mb", 1) });
    expect(failure(refused)).toEqual({ code: "CONFLICT" });
    expect(refused.errors![0]!.message).toBe("Variant pro is still served by development rule 1, staging rule 1, production rule 1; change those first");
  });

  it("deletes an unused variant", async () => {
    const added = ok(await as("requester", ADD_VARIANT, { input: { featureId: DEMO_FEATURE_IDS.max_upload_mb, control: "huge", value: "5000", valueType: "NUMBER" } })).createFeatureVariant;
    const deleted = ok(await as("requester", `mutation($id: ID!) { deleteFeatureVariant(id: $id) { control value valueType } }`, { id: added.id })).deleteFeatureVariant;
    expect(deleted).toEqual({ control: "huge", value: "5000", valueType: "NUMBER" });
  });
});

describe("prerequisites", { timeout: 20_000 }, () => {
  it("sets, replaces and removes a prerequisite", async () => {
    const set = ok(await as("requester", SET_PREREQUISITE, { input: { featureId: DEMO_FEATURE_IDS.dark_mode, requiredFeatureId: DEMO_FEATURE_IDS.max_upload_mb, variant: "pro" } })).setFeaturePrerequisite;
    expect(set).toEqual({ key: "dark_mode", prerequisites: [{ feature: { key: "max_upload_mb" }, variant: "pro" }] });
    const replaced = ok(await as("requester", SET_PREREQUISITE, { input: { featureId: DEMO_FEATURE_IDS.dark_mode, requiredFeatureId: DEMO_FEATURE_IDS.max_upload_mb, variant: "standard" } })).setFeaturePrerequisite;
    expect(replaced.prerequisites).toEqual([{ feature: { key: "max_upload_mb" }, variant: "standard" }]);
    const removed = ok(await as("requester", `mutation($f: ID!, $r: ID!) { removeFeaturePrerequisite(featureId: $f, requiredFeatureId: $r) { prerequisites { variant } } }`,
      { f: DEMO_FEATURE_IDS.dark_mode, r: DEMO_FEATURE_IDS.max_upload_mb })).removeFeaturePrerequisite;
    expect(removed.prerequisites).toEqual([]);
  });

  it("refuses a cycle with BAD_USER_INPUT naming it", async () => {
    ok(await as("requester", SET_PREREQUISITE, { input: { featureId: DEMO_FEATURE_IDS.dark_mode, requiredFeatureId: DEMO_FEATURE_IDS.new_checkout_flow } }));
    const answer = await as("requester", SET_PREREQUISITE, { input: { featureId: DEMO_FEATURE_IDS.BetaUsers, requiredFeatureId: DEMO_FEATURE_IDS.dark_mode } });
    expect(failure(answer)).toEqual({ code: "BAD_USER_INPUT", field: "input.requiredFeatureId" });
    expect(answer.errors![0]!.message).toBe("input.requiredFeatureId: this prerequisite would create the cycle BetaUsers -> dark_mode -> new_checkout_flow -> BetaUsers");
    const self = await as("requester", SET_PREREQUISITE, { input: { featureId: DEMO_FEATURE_IDS.BetaUsers, requiredFeatureId: DEMO_FEATURE_IDS.BetaUsers } });
    expect(self.errors![0]!.message).toBe("input.requiredFeatureId: this prerequisite would create the cycle BetaUsers -> BetaUsers");
  });

  it.each([
    [{ requiredFeatureId: "globex-f" }, "input.requiredFeatureId"],
    [{ requiredFeatureId: DEMO_FEATURE_IDS.max_upload_mb }, "input.variant"],
    [{ requiredFeatureId: DEMO_FEATURE_IDS.max_upload_mb, variant: "enterprise" }, "input.variant"],
  ])("refuses %j at %s", async (input, field) => {
    const now = Date.now();
    await env.DB.prepare(`INSERT INTO features (id, team_id, key, name, type, salt, created_at, updated_at) VALUES ('globex-f', ?, 'g', 'g', 'boolean', 'g', ?, ?)`)
      .bind(OUTSIDER_TEAM_ID, now, now).run();
    expect(failure(await as("requester", SET_PREREQUISITE, { input: { featureId: DEMO_FEATURE_IDS.dark_mode, ...input } }))).toEqual({ code: "BAD_USER_INPUT", field });
  });

  it("a prerequisite gates evaluation", async () => {
    ok(await as("requester", SET_PREREQUISITE, { input: { featureId: DEMO_FEATURE_IDS.checkout_button_text, requiredFeatureId: DEMO_FEATURE_IDS.BetaUsers } }));
    const answer = await poll(() => call("/ofrep/v1/evaluate/flags/checkout_button_text", { secret: DEMO_SECRETS.development, body: { context: { targetingKey: "u", role: "member" } } }),
      (a) => a.json?.reason === "DISABLED" || a.json?.metadata?.failedPrerequisite !== undefined);
    expect(answer.json.metadata).toMatchObject({ failedPrerequisite: "BetaUsers" });
  });
});

describe("the change guard on feature-wide changes", { timeout: 20_000 }, () => {
  const guardOf = (answer: { errors?: { extensions?: Record<string, unknown> }[] }) =>
    answer.errors?.map((e) => [e.extensions?.code, e.extensions?.reason]);

  it("a protected environment refuses what changes served values, not bookkeeping", async () => {
    const now = Date.now();
    await env.DB.prepare(`INSERT INTO approval_policies (id, team_id, name, applies_to, environment_ids, required_approvals, eligible_roles,
      eligible_user_ids, enabled, created_at, updated_at) VALUES ('p1', ?, 'Prod approvals', 'production_only', '[]', 1, '["approver"]', '[]', 1, ?, ?)`)
      .bind(DEMO_TEAM_ID, now, now).run();
    const refused = [
      await as("teamadmin", `mutation($id: ID!) { updateFeatureVariant(input: { id: $id, value: "20" }) { id } }`, { id: demoVariantId("max_upload_mb", 0) }),
      await as("teamadmin", SET_PREREQUISITE, { input: { featureId: DEMO_FEATURE_IDS.dark_mode, requiredFeatureId: DEMO_FEATURE_IDS.BetaUsers } }),
      await as("teamadmin", `mutation($f: ID!, $r: ID!) { removeFeaturePrerequisite(featureId: $f, requiredFeatureId: $r) { id } }`, { f: DEMO_FEATURE_IDS.new_checkout_flow, r: DEMO_FEATURE_IDS.BetaUsers }),
      await as("teamadmin", UPDATE, { input: { id: DEMO_FEATURE_IDS.dark_mode, key: "dark_theme" } }),
      await as("teamadmin", `mutation($id: ID!) { archiveFeature(id: $id) { id } }`, { id: DEMO_FEATURE_IDS.dark_mode }),
      await as("admin", `mutation($id: ID!) { deleteFeature(id: $id) { id } }`, { id: DEMO_FEATURE_IDS.dark_mode }),
    ];
    expect(refused.map(guardOf)).toEqual(Array(6).fill([["FORBIDDEN", "APPROVAL_REQUIRED"]]));
    ok(await as("teamadmin", UPDATE, { input: { id: DEMO_FEATURE_IDS.dark_mode, description: "still editable", tags: ["ui"] } }));
    ok(await as("teamadmin", `mutation($id: ID!) { updateFeatureVariant(input: { id: $id, description: "d" }) { id } }`, { id: demoVariantId("max_upload_mb", 0) }));
  });

  it("a freeze blocks archiving unless a team admin overrides with a reason, which is audited", async () => {
    const now = Date.now();
    await env.DB.prepare(`INSERT INTO freeze_windows (id, team_id, name, environment_type, starts_at, ends_at, reason, created_at)
      VALUES ('fw1', ?, 'Holiday freeze', 'production', ?, ?, '', ?)`).bind(DEMO_TEAM_ID, now - 60_000, now + 3_600_000, now).run();
    const ARCHIVE = `mutation($id: ID!, $reason: String) { archiveFeature(id: $id, freezeOverrideReason: $reason) { lifecycle } }`;
    expect(guardOf(await as("requester", ARCHIVE, { id: DEMO_FEATURE_IDS.dark_mode }))).toEqual([["CONFLICT", "FROZEN"]]);
    expect(ok(await as("teamadmin", ARCHIVE, { id: DEMO_FEATURE_IDS.dark_mode, reason: "retire the experiment" })).archiveFeature).toEqual({ lifecycle: "archived" });
    const audit = await env.DB.prepare("SELECT action, reason FROM audit_log WHERE entity_id = ?").bind(DEMO_FEATURE_IDS.dark_mode).first();
    expect(audit).toEqual({ action: "feature.archive", reason: "retire the experiment" });
  });
});

describe("stages through the feature", () => {
  it("Feature.stage(environmentId) and featureStage(id) read one stage", async () => {
    const answer = ok(await as("viewer", `query($id: ID!, $e: ID!) { feature(id: $id) { stage(environmentId: $e) { id status environment { key } } } }`,
      { id: DEMO_FEATURE_IDS.BetaUsers, e: DEMO_ENVIRONMENT_IDS.staging }));
    expect(answer.feature.stage).toEqual({ id: demoStageId("BetaUsers", "staging"), status: "DEPLOYED", environment: { key: "staging" } });
  });
});
