// Feature versions through /graphql: every change writes one, two can be diffed, and rolling back
// restores a version's configuration as a new version (approval-gated where a policy applies).
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_FEATURE_IDS, DEMO_USER_IDS, demoRuleId } from "../../../db/seed/demo-data";
import { ALL_ROLES, freshStart, tokenOf } from "./support/actors";
import { addPolicy, APPROVE, featureVersion } from "./support/governance";
import { codes, gql, ok } from "./support/graphql";

const FEATURE = DEMO_FEATURE_IDS.dark_mode;
const RULE = demoRuleId("dark_mode", "development");
const SET_ROLLOUT = /* GraphQL */ `mutation($id: ID!, $pct: Float) { updateStageCriteria(input: { id: $id, rolloutPercentage: $pct }) { id } }`;
const VERSIONS = /* GraphQL */ `query($id: ID!) { featureVersions(featureId: $id) { nodes { version source summary actorId } pageInfo { hasNextPage } } }`;
const DIFF = /* GraphQL */ `query($id: ID!, $from: Int!, $to: Int!) { diffFeatureVersions(featureId: $id, from: $from, to: $to) { path before after } }`;
const ROLLBACK = /* GraphQL */ `mutation($id: ID!, $version: Int!) {
  rollbackFeatureToVersion(featureId: $id, version: $version) { version request { id action status eligibleUserIds } }
}`;
const rollout = () => env.DB.prepare("SELECT serve FROM rules WHERE id = ?").bind(RULE).first<{ serve: string }>()
  .then((r) => (JSON.parse(r!.serve) as { percentage?: number }).percentage);

beforeEach(async () => {
  await freshStart();
  const token = await tokenOf("teamadmin");
  ok(await gql(SET_ROLLOUT, { id: RULE, pct: 80 }, token)); // version 2
  ok(await gql(SET_ROLLOUT, { id: RULE, pct: 50 }, token)); // version 3
});

describe("feature versions", () => {
  it("lists every version newest first with its source and actor", async () => {
    const list = ok(await gql(VERSIONS, { id: FEATURE }, await tokenOf("viewer"))).featureVersions;
    expect(list.nodes.map((v: { version: number; source: string; actorId: string }) => [v.version, v.source, v.actorId]))
      .toEqual([[3, "update", DEMO_USER_IDS.teamadmin], [2, "update", DEMO_USER_IDS.teamadmin]]);
    expect(list.pageInfo.hasNextPage).toBe(false);
  });

  it("diffs two versions as path / before / after", async () => {
    const diff = ok(await gql(DIFF, { id: FEATURE, from: 2, to: 3 }, await tokenOf("viewer"))).diffFeatureVersions;
    expect(diff).toEqual([{ path: `stages[development].rules[${RULE}].serve.percentage`, before: 80, after: 50 }]);
    expect(ok(await gql(DIFF, { id: FEATURE, from: 3, to: 3 }, await tokenOf("viewer"))).diffFeatureVersions).toEqual([]);
    expect(codes(await gql(DIFF, { id: FEATURE, from: 2, to: 9 }, await tokenOf("viewer")))).toEqual(["NOT_FOUND"]);
  });

  it("rolls back to a version as a new version with source rollback, audited", async () => {
    const answer = ok(await gql(ROLLBACK, { id: FEATURE, version: 2 }, await tokenOf("teamadmin"))).rollbackFeatureToVersion;
    expect(answer).toEqual({ version: 4, request: null });
    expect(await rollout()).toBe(80);
    const diff = ok(await gql(DIFF, { id: FEATURE, from: 2, to: 4 }, await tokenOf("viewer"))).diffFeatureVersions;
    expect(diff).toEqual([]);
    const audit = await env.DB.prepare("SELECT action, diff FROM audit_log WHERE entity_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1").bind(FEATURE).first();
    expect(audit).toEqual({ action: "feature.rollback_to_version", diff: JSON.stringify({ before: { version: 3 }, after: { restoredVersion: 2 } }) });
    expect(codes(await gql(ROLLBACK, { id: FEATURE, version: 4 }, await tokenOf("teamadmin")))).toEqual(["CONFLICT"]);
  });

  it("becomes an approval request where a policy covers an affected environment, applied on approval", async () => {
    await addPolicy({ appliesTo: "all", requiredApprovals: 1, eligibleRoles: ["approver"] });
    const answer = ok(await gql(ROLLBACK, { id: FEATURE, version: 2 }, await tokenOf("teamadmin"))).rollbackFeatureToVersion;
    expect(answer.version).toBeNull();
    expect(answer.request).toMatchObject({ action: "version_rollback", status: "pending", eligibleUserIds: [DEMO_USER_IDS.approver] });
    expect(await rollout()).toBe(50);
    expect(ok(await gql(APPROVE, { id: answer.request.id }, await tokenOf("approver"))).approveRequest.status).toBe("applied");
    expect(await rollout()).toBe(80);
    expect(await featureVersion(FEATURE)).toBe(4);
  });

  const expected: Record<string, string | null> = {
    admin: null, teamadmin: null, approver: "FORBIDDEN", requester: null, viewer: "FORBIDDEN", outsider: "NOT_FOUND",
  };
  for (const role of ALL_ROLES) {
    it(`rollbackFeatureToVersion as ${role}: ${expected[role] ?? "allowed"}; featureVersions ${role === "outsider" ? "NOT_FOUND" : "allowed"}`, async () => {
      expect(codes(await gql(ROLLBACK, { id: FEATURE, version: 2 }, await tokenOf(role)))).toEqual(expected[role] ? [expected[role]] : []);
      expect(codes(await gql(VERSIONS, { id: FEATURE }, await tokenOf(role)))).toEqual(role === "outsider" ? ["NOT_FOUND"] : []);
    });
  }
});
