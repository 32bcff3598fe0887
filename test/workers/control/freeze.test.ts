// Freeze windows through /graphql: they block stage changes (CONFLICT / FROZEN); a team admin
// overrides with a reason, which is audited; an approval reached during a freeze waits until an
// admin applies it with an override.
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_ENVIRONMENT_IDS, DEMO_TEAM_ID, demoStageId } from "../../../db/seed/demo-data";
import { ALL_ROLES, freshStart, tokenOf } from "./support/actors";
import {
  addFreeze, addPolicy, APPLY, APPROVE, CREATE_FREEZE, lastAudit, REQUEST_ROLLBACK, requestStatus, stageStatus,
} from "./support/governance";
import { codes, gql, ok } from "./support/graphql";

const PROD_STAGE = demoStageId("dark_mode", "production");
const UPDATE_FREEZE = /* GraphQL */ `mutation($input: UpdateFreezeWindowInput!) {
  updateFreezeWindow(input: $input) { id name environmentId environmentType reason timezone recurrence }
}`;
const LIST = /* GraphQL */ `query($teamId: ID!) { freezeWindows(teamId: $teamId) { name environmentId environmentType } }`;

beforeEach(freshStart);

describe("freeze windows", () => {
  it("block a direct change with CONFLICT / FROZEN naming the window", async () => {
    await addFreeze({ environmentId: DEMO_ENVIRONMENT_IDS.production });
    const answer = await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, await tokenOf("teamadmin"));
    expect(codes(answer)).toEqual(["CONFLICT"]);
    expect(answer.errors![0]!.extensions!.reason).toBe("FROZEN");
    expect(answer.errors![0]!.message).toContain('Environment "Production" is frozen by "Release freeze" until');
    expect(await stageStatus(PROD_STAGE)).toBe("DEPLOYED");
  });

  it("cover every environment of a type", async () => {
    await addFreeze({ environmentType: "production" });
    expect(codes(await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, await tokenOf("teamadmin")))).toEqual(["CONFLICT"]);
    expect(ok(await gql(REQUEST_ROLLBACK, { stageId: demoStageId("dark_mode", "staging") }, await tokenOf("teamadmin")))
      .requestRollback.status).toBe("ROLLED_BACK");
  });

  it("yield to a team admin's override with a reason, recorded in the audit row", async () => {
    await addFreeze({ environmentId: DEMO_ENVIRONMENT_IDS.production });
    const answer = ok(await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE, reason: "incident 12 hotfix" }, await tokenOf("teamadmin")));
    expect(answer.requestRollback.status).toBe("ROLLED_BACK");
    expect(await lastAudit(PROD_STAGE)).toEqual({ action: "stage.rollback", actorName: "teamadmin", reason: "freeze override: incident 12 hotfix" });
  });

  it("hold an approved request until an admin applies it with an override", async () => {
    await addPolicy({ appliesTo: "production_only", requiredApprovals: 1, eligibleRoles: ["approver"] });
    await addFreeze({ environmentId: DEMO_ENVIRONMENT_IDS.production });
    const request = ok(await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, await tokenOf("requester"))).requestRollback.request;
    expect(ok(await gql(APPROVE, { id: request.id }, await tokenOf("approver"))).approveRequest.status).toBe("approved");
    expect(await stageStatus(PROD_STAGE)).toBe("ROLLBACK_REQUESTED");
    expect(codes(await gql(APPLY, { id: request.id }, await tokenOf("requester")))).toEqual(["CONFLICT"]);
    expect(codes(await gql(APPLY, { id: request.id, reason: "urgent" }, await tokenOf("requester")))).toEqual(["FORBIDDEN"]);
    expect(ok(await gql(APPLY, { id: request.id, reason: "urgent" }, await tokenOf("teamadmin"))).applyApprovalRequest.status).toBe("applied");
    expect(await requestStatus(request.id)).toBe("applied");
    expect(await stageStatus(PROD_STAGE)).toBe("ROLLED_BACK");
  });

  it("validate their input: exactly one target, end after start", async () => {
    const token = await tokenOf("teamadmin");
    const base = { teamId: DEMO_TEAM_ID, name: "f", startsAt: "2026-01-01T00:00:00Z", endsAt: "2026-01-02T00:00:00Z" };
    const field = async (input: Record<string, unknown>) => (await gql(CREATE_FREEZE, { input: { ...base, ...input } }, token)).errors?.[0]?.extensions?.field;
    expect(await field({})).toBe("input.environmentId");
    expect(await field({ environmentId: DEMO_ENVIRONMENT_IDS.production, environmentType: "production" })).toBe("input.environmentId");
    expect(await field({ environmentType: "production", endsAt: "2025-12-31T00:00:00Z" })).toBe("input.endsAt");
    expect(await field({ environmentType: "moon" })).toBe("input.environmentType");
  });

  it("are edited by team admins: omitted fields stay, one target replaces the other, the result is checked as a new window", async () => {
    const id = await addFreeze({ environmentId: DEMO_ENVIRONMENT_IDS.production, reason: "launch" });
    const token = await tokenOf("teamadmin");
    const edited = ok(await gql(UPDATE_FREEZE, { input: { id, name: "Weekend freeze", environmentType: "staging", timezone: "Europe/Paris" } }, token)).updateFreezeWindow;
    expect(edited).toEqual({ id, name: "Weekend freeze", environmentId: null, environmentType: "staging", reason: "launch", timezone: "Europe/Paris", recurrence: "NONE" });
    // Production is no longer frozen; staging is.
    expect(ok(await gql(REQUEST_ROLLBACK, { stageId: PROD_STAGE }, token)).requestRollback.status).toBe("ROLLED_BACK");
    expect(codes(await gql(REQUEST_ROLLBACK, { stageId: demoStageId("dark_mode", "staging") }, token))).toEqual(["CONFLICT"]);
    const field = async (input: Record<string, unknown>) => (await gql(UPDATE_FREEZE, { input: { id, ...input } }, token)).errors?.[0]?.extensions?.field;
    expect(await field({ recurrence: "DAILY", endsAt: new Date(Date.now() + 2 * 86_400_000).toISOString() })).toBe("input.endsAt");
    expect(await field({ timezone: "Mars/Olympus" })).toBe("input.timezone");
    expect(await field({ environmentId: DEMO_ENVIRONMENT_IDS.production, environmentType: "production" })).toBe("input.environmentId");
    expect(await field({ environmentId: "00000000-0000-4000-8000-00000000dead" })).toBe("input.environmentId");
    expect(codes(await gql(UPDATE_FREEZE, { input: { id, name: "x" } }, await tokenOf("requester")))).toEqual(["FORBIDDEN"]);
    expect(await lastAudit(id)).toEqual({ action: "freeze_window.update", actorName: "teamadmin", reason: null });
  });

  it("are listed for team members while they have not ended", async () => {
    await addFreeze({ environmentType: "production" });
    expect(ok(await gql(LIST, { teamId: DEMO_TEAM_ID }, await tokenOf("viewer"))).freezeWindows)
      .toEqual([{ name: "Release freeze", environmentId: null, environmentType: "production" }]);
    expect(codes(await gql(LIST, { teamId: DEMO_TEAM_ID }, await tokenOf("outsider")))).toEqual(["NOT_FOUND"]);
  });

  const expected: Record<string, string | null> = {
    admin: null, teamadmin: null, approver: "FORBIDDEN", requester: "FORBIDDEN", viewer: "FORBIDDEN", outsider: "NOT_FOUND",
  };
  for (const role of ALL_ROLES) {
    it(`createFreezeWindow as ${role}: ${expected[role] ?? "allowed"}`, async () => {
      const answer = await gql(CREATE_FREEZE, {
        input: { teamId: DEMO_TEAM_ID, name: role, environmentType: "staging", startsAt: "2026-01-01T00:00:00Z", endsAt: "2026-01-02T00:00:00Z" },
      }, await tokenOf(role));
      expect(codes(answer)).toEqual(expected[role] ? [expected[role]] : []);
    });
  }
});
