// Insights and bulk actions through /graphql: the dependency impact of a feature (direct and
// transitive dependents, where they are live), the approvals awaiting the caller's vote, bulk
// bookkeeping edits (each one audited and versioned like a single update, nothing written on bad
// input) and the role matrix of the three operations.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_TEAM_ID, DEMO_USER_IDS, demoStageId } from "../../../db/seed/demo-data";
import { as, failure, ok, pristine, ROLES, tokenFor } from "./support/config";
import { APPROVE, CREATE_FREEZE, CREATE_POLICY, REQUEST_ROLLBACK } from "./support/governance";
import { countingD1 } from "./support/query-counter";
import { controlYoga } from "../../../workers/admin/graphql/yoga";
import { gql } from "./support/graphql";
import { OUTSIDER_TEAM_ID, type Role } from "./support/sessions";

const IMPACT = `query($id: ID!) { featureDependencyImpact(featureId: $id) {
  featureId key
  direct { featureId key depth requires deployedIn { environmentId environmentKey } }
  transitive { featureId key depth requires deployedIn { environmentKey } }
} }`;
const PENDING = `query($team: ID!) { pendingApprovals(teamId: $team) { id action status requestedBy featureId } }`;
const BULK = `mutation($team: ID!, $ids: [ID!]!, $action: BulkFeatureAction!, $owner: String, $tags: [String!], $lifecycle: Lifecycle) {
  bulkUpdateFeatures(teamId: $team, featureIds: $ids, action: $action, owner: $owner, tags: $tags, lifecycle: $lifecycle) {
    succeeded failed results { featureId ok error message version }
  }
}`;
const SET_PREREQUISITE = `mutation($f: ID!, $r: ID!) { setFeaturePrerequisite(input: { featureId: $f, requiredFeatureId: $r }) { id } }`;

const { BetaUsers, new_checkout_flow, dark_mode, legacy_search } = DEMO_FEATURE_IDS;
const ALL_ENVIRONMENTS = (["development", "staging", "production"] as const).map((key) => ({ environmentId: DEMO_ENVIRONMENT_IDS[key], environmentKey: key }));

const featureRow = (id: string) =>
  env.DB.prepare("SELECT owner, tags, lifecycle, version FROM features WHERE id = ?").bind(id).first<{ owner: string | null; tags: string; lifecycle: string; version: number }>();
const auditCount = () => env.DB.prepare("SELECT COUNT(*) AS n FROM audit_log").first<{ n: number }>().then((r) => r!.n);
const versionCount = () => env.DB.prepare("SELECT COUNT(*) AS n FROM feature_versions").first<{ n: number }>().then((r) => r!.n);
const auditOf = async (id: string) => (await env.DB.prepare(
  "SELECT action, actor_name AS actorName, diff FROM audit_log WHERE entity_id = ? ORDER BY created_at, rowid",
).bind(id).all<{ action: string; actorName: string; diff: string }>()).results.map((r) => ({ ...r, diff: JSON.parse(r.diff) }));
const versionsOf = async (id: string) => (await env.DB.prepare(
  "SELECT version, summary, snapshot FROM feature_versions WHERE feature_id = ? ORDER BY version",
).bind(id).all<{ version: number; summary: string; snapshot: string }>()).results.map((r) => ({ ...r, snapshot: JSON.parse(r.snapshot) }));

const bookkeeping = (key: string, fields: Partial<{ owner: string | null; tags: string[]; lifecycle: string }>) => ({
  key, name: key, description: expect.any(String), lifecycle: "active", owner: null, tags: [],
  purpose: null, referenceUrl: null, expiresAt: null, cleanupReason: null, ...fields,
});

beforeEach(pristine);

describe("featureDependencyImpact", () => {
  it("lists new_checkout_flow as the only (direct) dependent of BetaUsers, live in every demo environment", async () => {
    expect(ok(await as("viewer", IMPACT, { id: BetaUsers })).featureDependencyImpact).toEqual({
      featureId: BetaUsers, key: "BetaUsers",
      direct: [{ featureId: new_checkout_flow, key: "new_checkout_flow", depth: 1, requires: ["BetaUsers"], deployedIn: ALL_ENVIRONMENTS }],
      transitive: [],
    });
  });

  it("finds transitive dependents and only the environments where they are live", async () => {
    ok(await as("requester", SET_PREREQUISITE, { f: dark_mode, r: new_checkout_flow }));
    ok(await as("teamadmin", REQUEST_ROLLBACK, { stageId: demoStageId("dark_mode", "staging") }));
    expect(ok(await as("viewer", IMPACT, { id: BetaUsers })).featureDependencyImpact).toEqual({
      featureId: BetaUsers, key: "BetaUsers",
      direct: [{ featureId: new_checkout_flow, key: "new_checkout_flow", depth: 1, requires: ["BetaUsers"], deployedIn: ALL_ENVIRONMENTS }],
      transitive: [{
        featureId: dark_mode, key: "dark_mode", depth: 2, requires: ["new_checkout_flow"],
        deployedIn: [{ environmentKey: "development" }, { environmentKey: "production" }],
      }],
    });
    expect(ok(await as("viewer", IMPACT, { id: new_checkout_flow })).featureDependencyImpact.direct.map((d: { key: string }) => d.key)).toEqual(["dark_mode"]);
  });

  it("is empty for a feature nothing requires, and NOT_FOUND for an unknown id", async () => {
    expect(ok(await as("viewer", IMPACT, { id: dark_mode })).featureDependencyImpact)
      .toEqual({ featureId: dark_mode, key: "dark_mode", direct: [], transitive: [] });
    expect(failure(await as("viewer", IMPACT, { id: "no-such-feature" }))).toEqual({ code: "NOT_FOUND" });
  });
});

describe("featureDependencyImpact D1 round trips", () => {
  it("are 3 (the principal, the team's edges, the dependents' details) for a chain of 40 dependents", async () => {
    const now = Date.now();
    const statements: D1PreparedStatement[] = [];
    for (let i = 0; i < 40; i++) {
      statements.push(env.DB.prepare("INSERT INTO features (id, team_id, key, name, type, salt, created_at, updated_at) VALUES (?, ?, ?, 'chain', 'boolean', ?, ?, ?)")
        .bind(`chain-${i}`, DEMO_TEAM_ID, `chain_${String(i).padStart(2, "0")}`, `chain_${i}`, now, now));
      statements.push(env.DB.prepare("INSERT INTO prerequisites (feature_id, required_feature_id, variant) VALUES (?, ?, NULL)")
        .bind(`chain-${i}`, i === 0 ? BetaUsers : `chain-${i - 1}`));
    }
    await env.DB.batch(statements);
    const counter = countingD1(env.DB);
    const token = await tokenFor("viewer");
    const run = async () => {
      counter.reset();
      const response = await controlYoga().fetch(new Request("http://fluxgate.test/graphql", {
        method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: IMPACT, variables: { id: BetaUsers } }),
      }), { env: { ...env, DB: counter.db } });
      return { body: (await response.json()) as { data: { featureDependencyImpact: { direct: { key: string }[]; transitive: { key: string; depth: number }[] } } }, roundTrips: counter.counts.roundTrips };
    };
    await run(); // warms the isolate's signing-key cache, which is per D1 binding
    const { body, roundTrips } = await run();
    const impact = body.data.featureDependencyImpact;
    expect(impact.direct.map((d) => d.key)).toEqual(["chain_00", "new_checkout_flow"]);
    expect(impact.transitive.map((d) => [d.key, d.depth])).toEqual(Array.from({ length: 39 }, (_, i) => [`chain_${String(i + 1).padStart(2, "0")}`, i + 2]));
    expect(roundTrips).toBe(3);
  });
});

describe("pendingApprovals", () => {
  it("shows a pending request to its eligible approvers who have not voted, never to the requester or non-eligible members", async () => {
    // Through `as` (tokens of support/config, renewed by pristine), not governance.ts's addPolicy.
    ok(await as("teamadmin", CREATE_POLICY, {
      input: { teamId: DEMO_TEAM_ID, name: "Production gate", appliesTo: "production_only", requiredApprovals: 2, eligibleRoles: ["approver", "team_admin"] },
    }));
    const request = ok(await as("requester", REQUEST_ROLLBACK, { stageId: demoStageId("dark_mode", "production") })).requestRollback.request;
    const expected = [{ id: request.id, action: "rollback", status: "pending", requestedBy: DEMO_USER_IDS.requester, featureId: dark_mode }];
    const pendingFor = async (role: Role) => ok(await as(role, PENDING, { team: DEMO_TEAM_ID })).pendingApprovals;
    expect(await pendingFor("approver")).toEqual(expected);
    expect(await pendingFor("teamadmin")).toEqual(expected);
    expect(await pendingFor("requester")).toEqual([]);
    expect(await pendingFor("viewer")).toEqual([]);
    expect(await pendingFor("admin")).toEqual([]);
    ok(await as("approver", APPROVE, { id: request.id }));
    expect(await pendingFor("approver")).toEqual([]);
    expect(await pendingFor("teamadmin")).toEqual(expected);
    ok(await as("teamadmin", APPROVE, { id: request.id }));
    expect(await pendingFor("teamadmin")).toEqual([]);
  });
});

describe("bulkUpdateFeatures", () => {
  const bulk = (role: Role, variables: Record<string, unknown>) => as(role, BULK, { team: DEMO_TEAM_ID, ...variables });

  it("sets the owner of each feature with its own audit row and feature version, like updateFeature", async () => {
    const result = ok(await bulk("requester", { ids: [dark_mode, BetaUsers, dark_mode], action: "update_owner", owner: "growth" })).bulkUpdateFeatures;
    expect(result).toEqual({
      succeeded: 2, failed: 0,
      results: [dark_mode, BetaUsers].map((featureId) => ({ featureId, ok: true, error: null, message: null, version: 2 })),
    });
    for (const [id, key] of [[dark_mode, "dark_mode"], [BetaUsers, "BetaUsers"]] as const) {
      expect(await featureRow(id)).toEqual({ owner: "growth", tags: "[]", lifecycle: "active", version: 2 });
      expect(await auditOf(id)).toEqual([{
        action: "feature.update", actorName: "requester",
        diff: { before: bookkeeping(key, {}), after: bookkeeping(key, { owner: "growth" }) },
      }]);
      const versions = await versionsOf(id);
      expect(versions.map((v) => [v.version, v.summary, v.snapshot.owner])).toEqual([[2, "update: owner", "growth"]]);
    }
    expect((await featureRow(new_checkout_flow))!.version).toBe(1);
  });

  it("adds and removes tags per feature, keeping each feature's other tags", async () => {
    ok(await bulk("teamadmin", { ids: [dark_mode], action: "add_tags", tags: ["ui"] }));
    expect(ok(await bulk("teamadmin", { ids: [dark_mode, legacy_search], action: "add_tags", tags: ["q3", "ui"] })).bulkUpdateFeatures.succeeded).toBe(2);
    expect((await featureRow(dark_mode))!.tags).toBe('["ui","q3"]');
    expect((await featureRow(legacy_search))!.tags).toBe('["q3","ui"]');
    ok(await bulk("teamadmin", { ids: [dark_mode, legacy_search], action: "remove_tags", tags: ["ui"] }));
    expect(await featureRow(dark_mode)).toEqual({ owner: null, tags: '["q3"]', lifecycle: "active", version: 4 });
    expect(await featureRow(legacy_search)).toEqual({ owner: null, tags: '["q3"]', lifecycle: "active", version: 3 });
    expect((await auditOf(legacy_search)).map((a) => [a.diff.before.tags, a.diff.after.tags])).toEqual([[[], ["q3", "ui"]], [["q3", "ui"], ["q3"]]]);
  });

  it("sets the lifecycle (not archived: archiving goes through archiveFeature)", async () => {
    ok(await bulk("requester", { ids: [dark_mode, BetaUsers], action: "set_lifecycle", lifecycle: "deprecated" }));
    expect((await featureRow(dark_mode))!.lifecycle).toBe("deprecated");
    expect((await featureRow(BetaUsers))!.lifecycle).toBe("deprecated");
    expect((await versionsOf(BetaUsers)).map((v) => v.summary)).toEqual(["update: lifecycle"]);
    expect(failure(await bulk("requester", { ids: [dark_mode], action: "set_lifecycle", lifecycle: "archived" })))
      .toEqual({ code: "BAD_USER_INPUT", field: "lifecycle" });
  });

  it("reports each feature's own failure and still applies the others: unarchiving during a freeze is CONFLICT", async () => {
    ok(await as("teamadmin", `mutation($id: ID!) { archiveFeature(id: $id) { id } }`, { id: legacy_search }));
    ok(await as("teamadmin", CREATE_FREEZE, { input: {
      teamId: DEMO_TEAM_ID, name: "Release freeze", environmentType: "production",
      startsAt: new Date(Date.now() - 60_000).toISOString(), endsAt: new Date(Date.now() + 3600_000).toISOString(),
    } }));
    const result = ok(await bulk("requester", { ids: [legacy_search, dark_mode], action: "set_lifecycle", lifecycle: "deprecated" })).bulkUpdateFeatures;
    expect(result).toEqual({
      succeeded: 1, failed: 1,
      results: [
        { featureId: legacy_search, ok: false, error: "CONFLICT", message: expect.any(String), version: null },
        { featureId: dark_mode, ok: true, error: null, message: null, version: 2 },
      ],
    });
    expect(await featureRow(legacy_search)).toEqual({ owner: null, tags: "[]", lifecycle: "archived", version: 2 });
    expect((await featureRow(dark_mode))!.lifecycle).toBe("deprecated");
  });

  it("refuses bad input before writing anything", async () => {
    const before = [await auditCount(), await versionCount()];
    const ids101 = Array.from({ length: 101 }, (_, i) => `id-${i}`);
    expect(failure(await bulk("teamadmin", { ids: ids101, action: "update_owner", owner: "x" }))).toEqual({ code: "BAD_USER_INPUT", field: "featureIds" });
    expect(failure(await bulk("teamadmin", { ids: [], action: "update_owner", owner: "x" }))).toEqual({ code: "BAD_USER_INPUT", field: "featureIds" });
    expect(failure(await bulk("teamadmin", { ids: [dark_mode], action: "add_tags" }))).toEqual({ code: "BAD_USER_INPUT", field: "tags" });
    expect(failure(await bulk("teamadmin", { ids: [dark_mode], action: "set_lifecycle" }))).toEqual({ code: "BAD_USER_INPUT", field: "lifecycle" });
    expect(failure(await bulk("teamadmin", { ids: [dark_mode, "no-such-feature"], action: "update_owner", owner: "x" }))).toEqual({ code: "NOT_FOUND" });
    expect([await auditCount(), await versionCount()]).toEqual(before);
    expect((await featureRow(dark_mode))!.owner).toBeNull();
  });

  it("answers NOT_FOUND and writes nothing when an id belongs to another team", async () => {
    const now = Date.now();
    await env.DB.prepare("INSERT INTO features (id, team_id, key, name, type, salt, created_at, updated_at) VALUES ('globex-f', ?, 'globex_flag', 'globex_flag', 'boolean', 'globex_flag', ?, ?)")
      .bind(OUTSIDER_TEAM_ID, now, now).run();
    const before = [await auditCount(), await versionCount()];
    expect(failure(await bulk("teamadmin", { ids: [dark_mode, "globex-f"], action: "update_owner", owner: "x" }))).toEqual({ code: "NOT_FOUND" });
    expect(failure(await bulk("admin", { ids: ["globex-f"], action: "update_owner", owner: "x" }))).toEqual({ code: "NOT_FOUND" });
    expect(failure(await as("outsider", BULK, { team: OUTSIDER_TEAM_ID, ids: [dark_mode], action: "update_owner", owner: "x" }))).toEqual({ code: "NOT_FOUND" });
    expect([await auditCount(), await versionCount()]).toEqual(before);
    expect((await featureRow("globex-f"))!.owner).toBeNull();
  });
});

type Outcome = "ok" | "FORBIDDEN" | "NOT_FOUND";
const members: Record<Role, Outcome> = { admin: "ok", teamadmin: "ok", approver: "ok", requester: "ok", viewer: "ok", outsider: "NOT_FOUND" };
const configurers: Record<Role, Outcome> = { ...members, approver: "FORBIDDEN", viewer: "FORBIDDEN" };
const MATRIX: { name: string; query: string; variables: Record<string, unknown>; expected: Record<Role, Outcome> }[] = [
  { name: "featureDependencyImpact", query: IMPACT, variables: { id: BetaUsers }, expected: members },
  { name: "pendingApprovals", query: PENDING, variables: { team: DEMO_TEAM_ID }, expected: members },
  { name: "bulkUpdateFeatures", query: BULK, variables: { team: DEMO_TEAM_ID, ids: [dark_mode], action: "update_owner", owner: "o" }, expected: configurers },
];

describe("role matrix (docs/ROLES.md)", () => {
  for (const operation of MATRIX) {
    it(`${operation.name}: ${ROLES.map((r) => `${r}=${operation.expected[r]}`).join(" ")}, anonymous=UNAUTHENTICATED`, async () => {
      const outcomes: Record<string, string> = {};
      for (const role of ROLES) {
        const answer = await as(role, operation.query, operation.variables);
        outcomes[role] = answer.errors?.length ? String(answer.errors[0]!.extensions?.code) : "ok";
      }
      expect(outcomes).toEqual(operation.expected);
      const anonymous = await gql(operation.query, operation.variables);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    });
  }
});
