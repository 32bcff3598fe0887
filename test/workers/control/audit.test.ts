// The audit log through /graphql: every committed change leaves a row (actor, action, entity,
// before/after), newest first, filterable by entity, paginated, readable by team members only.
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_FEATURE_IDS, DEMO_TEAM_ID, demoStageId } from "../../../db/seed/demo-data";
import { ALL_ROLES, freshStart, tokenOf } from "./support/actors";
import { REQUEST_ROLLBACK } from "./support/governance";
import { codes, gql, ok } from "./support/graphql";

const AUDIT = /* GraphQL */ `query($teamId: ID!, $type: String, $entity: ID, $first: Int, $after: String) {
  auditLog(teamId: $teamId, entityType: $type, entityId: $entity, first: $first, after: $after) {
    nodes { actorName action entityType entityId diff reason } pageInfo { hasNextPage endCursor }
  }
}`;
const KILL = /* GraphQL */ `mutation($id: ID!) { emergencyDisableFeature(id: $id, reason: "incident 3") { id } }`;

beforeEach(async () => {
  await freshStart();
  ok(await gql(KILL, { id: DEMO_FEATURE_IDS.dark_mode }, await tokenOf("teamadmin")));
  ok(await gql(REQUEST_ROLLBACK, { stageId: demoStageId("BetaUsers", "production") }, await tokenOf("teamadmin")));
});

describe("auditLog", () => {
  it("lists the team's changes newest first with actor, action, entity and diff", async () => {
    const nodes = ok(await gql(AUDIT, { teamId: DEMO_TEAM_ID }, await tokenOf("viewer"))).auditLog.nodes;
    expect(nodes).toEqual([
      {
        actorName: "teamadmin", action: "stage.rollback", entityType: "feature_stage", entityId: demoStageId("BetaUsers", "production"),
        diff: { before: { status: "DEPLOYED" }, after: { status: "ROLLED_BACK" } }, reason: null,
      },
      {
        actorName: "teamadmin", action: "feature.kill_switch_on", entityType: "feature", entityId: DEMO_FEATURE_IDS.dark_mode,
        diff: {
          before: { killSwitchActive: false, killSwitchReason: null, killSwitchRollbackAt: null },
          after: { killSwitchActive: true, killSwitchReason: "incident 3", killSwitchRollbackAt: null },
        },
        reason: "incident 3",
      },
    ]);
  });

  it("filters by entity and paginates", async () => {
    const token = await tokenOf("viewer");
    const byEntity = ok(await gql(AUDIT, { teamId: DEMO_TEAM_ID, type: "feature", entity: DEMO_FEATURE_IDS.dark_mode }, token)).auditLog;
    expect(byEntity.nodes.map((n: { action: string }) => n.action)).toEqual(["feature.kill_switch_on"]);
    const first = ok(await gql(AUDIT, { teamId: DEMO_TEAM_ID, first: 1 }, token)).auditLog;
    expect(first.nodes.map((n: { action: string }) => n.action)).toEqual(["stage.rollback"]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = ok(await gql(AUDIT, { teamId: DEMO_TEAM_ID, first: 1, after: first.pageInfo.endCursor }, token)).auditLog;
    expect(second.nodes.map((n: { action: string }) => n.action)).toEqual(["feature.kill_switch_on"]);
    expect(codes(await gql(AUDIT, { teamId: DEMO_TEAM_ID, first: 101 }, token))).toEqual(["BAD_USER_INPUT"]);
  });

  for (const role of ALL_ROLES) {
    it(`is readable by ${role === "outsider" ? "no outsider (NOT_FOUND)" : role}`, async () => {
      expect(codes(await gql(AUDIT, { teamId: DEMO_TEAM_ID }, await tokenOf(role)))).toEqual(role === "outsider" ? ["NOT_FOUND"] : []);
    });
  }
});
