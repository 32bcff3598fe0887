// Protected environments change only through approval, by every path: rules (direct mutations are
// refused, a rules_change request applies once approved and OFREP shows it), deploy state,
// scheduled changes and version rollback.
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_FEATURE_IDS, DEMO_SECRETS, DEMO_USER_IDS, demoRuleId, demoStageId } from "../../../db/seed/demo-data";
import { ofrep } from "../api-support";
import { eventually, freshStart, tokenOf } from "./support/actors";
import { addPolicy, APPROVE, REJECT, REQUEST_ROLLBACK, requestStatus, stageStatus } from "./support/governance";
import { codes, gql, ok } from "./support/graphql";

const PROD_STAGE = demoStageId("BetaUsers", "production");
const PROD_RULE = demoRuleId("BetaUsers", "production");
const OWNER_ONLY = [{ operator: "and", conditions: [{ attribute: "role", operator: "equals", value: "owner" }] }];
const SET_RULES = /* GraphQL */ `mutation($stageId: ID!, $rules: [RuleInput!]!) { setStageRules(stageId: $stageId, rules: $rules) { id } }`;
const UPDATE_CRITERIA = /* GraphQL */ `mutation($id: ID!) { updateStageCriteria(input: { id: $id, enabled: false }) { id } }`;
const REQUEST_RULES = /* GraphQL */ `mutation($stageId: ID!, $rules: [RuleInput!]!) {
  requestRulesChange(stageId: $stageId, rules: $rules, comment: "owners only") { id action status eligibleUserIds }
}`;
const SCHEDULE = /* GraphQL */ `mutation($input: CreateScheduledChangeInput!) { createScheduledChange(input: $input) { id } }`;
const betaUsersForAdmin = () => ofrep("BetaUsers", { targetingKey: "u-1", role: "admin" }, { secret: DEMO_SECRETS.production })
  .then((a) => a.json as { value: boolean; reason: string });
const newRules = [{ name: "owners", match: OWNER_ONLY, serve: { kind: "variant", variant: "on" } }];

beforeEach(async () => {
  await freshStart();
  await addPolicy({ appliesTo: "production_only", requiredApprovals: 1, eligibleRoles: ["approver"] });
});

describe("a protected environment", () => {
  it("refuses direct rule mutations with FORBIDDEN / APPROVAL_REQUIRED, for a team admin and a system admin alike", async () => {
    for (const role of ["teamadmin", "admin"] as const) {
      const set = await gql(SET_RULES, { stageId: PROD_STAGE, rules: newRules }, await tokenOf(role));
      expect(set.errors?.map((e) => e.extensions)).toEqual([{ code: "FORBIDDEN", reason: "APPROVAL_REQUIRED" }]);
      const update = await gql(UPDATE_CRITERIA, { id: PROD_RULE }, await tokenOf(role));
      expect(update.errors?.map((e) => e.extensions)).toEqual([{ code: "FORBIDDEN", reason: "APPROVAL_REQUIRED" }]);
    }
  });

  it("takes a rules change through approval: applied on approval, versioned, visible in OFREP", async () => {
    expect(await betaUsersForAdmin()).toMatchObject({ value: true, reason: "TARGETING_MATCH" });
    const request = ok(await gql(REQUEST_RULES, { stageId: PROD_STAGE, rules: newRules }, await tokenOf("requester"))).requestRulesChange;
    expect(request).toMatchObject({ action: "rules_change", status: "pending", eligibleUserIds: [DEMO_USER_IDS.approver] });
    expect(ok(await gql(APPROVE, { id: request.id }, await tokenOf("approver"))).approveRequest.status).toBe("applied");
    const rules = await env.DB.prepare("SELECT name, match FROM rules WHERE stage_id = ?").bind(PROD_STAGE).all();
    expect(rules.results).toEqual([{ name: "owners", match: JSON.stringify(OWNER_ONLY) }]);
    const after = await eventually(betaUsersForAdmin, (a) => a.value === false);
    expect(after).toMatchObject({ value: false, reason: "DEFAULT" });
  });

  it("validates a proposed rules list like setStageRules (unknown variant -> BAD_USER_INPUT with the path)", async () => {
    const answer = await gql(REQUEST_RULES, { stageId: PROD_STAGE, rules: [{ serve: { kind: "variant", variant: "nope" } }] }, await tokenOf("requester"));
    expect(codes(answer)).toEqual(["BAD_USER_INPUT"]);
    expect(answer.errors![0]!.extensions!.field).toBe("rules.0.serve.variant");
  });

  it("a rejected rules change changes nothing", async () => {
    const request = ok(await gql(REQUEST_RULES, { stageId: PROD_STAGE, rules: newRules }, await tokenOf("requester"))).requestRulesChange;
    ok(await gql(REJECT, { id: request.id }, await tokenOf("approver")));
    expect(await requestStatus(request.id)).toBe("rejected");
    const rules = await env.DB.prepare("SELECT id FROM rules WHERE stage_id = ?").bind(PROD_STAGE).all();
    expect(rules.results).toEqual([{ id: PROD_RULE }]);
  });

  it("turns a team admin's rollback into a request and refuses a scheduled rollout there", async () => {
    const rollback = ok(await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, await tokenOf("teamadmin"))).requestRollback;
    expect(rollback.status).toBe("ROLLBACK_REQUESTED");
    expect(await stageStatus(PROD_STAGE)).toBe("ROLLBACK_REQUESTED");
    const scheduled = await gql(SCHEDULE, {
      input: { featureId: DEMO_FEATURE_IDS.dark_mode, action: "set_rollout", runAt: new Date(Date.now() + 60_000).toISOString(),
        ruleId: demoRuleId("dark_mode", "production"), percentage: 90 },
    }, await tokenOf("teamadmin"));
    expect(scheduled.errors?.map((e) => e.extensions)).toEqual([{ code: "FORBIDDEN", reason: "APPROVAL_REQUIRED" }]);
  });
});
