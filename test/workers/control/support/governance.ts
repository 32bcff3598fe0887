// GraphQL documents and D1 readers shared by the approval, stage-workflow and freeze tests.
import { env } from "cloudflare:workers";
import { DEMO_TEAM_ID } from "../../../../db/seed/demo-data";
import { tokenOf } from "./actors";
import { gql, ok } from "./graphql";

export const CREATE_POLICY = /* GraphQL */ `mutation($input: CreateApprovalPolicyInput!) {
  createApprovalPolicy(input: $input) { id name appliesTo environmentIds requiredApprovals eligibleRoles eligibleUserIds enabled }
}`;
const REQUEST_FIELDS = "id status action requiredApprovals eligibleUserIds baseFeatureVersion requestedBy votes { userId vote }";
export const REQUEST_DEPLOY = /* GraphQL */ `mutation($stageId: ID!, $reason: String) {
  requestDeploy(stageId: $stageId, freezeOverrideReason: $reason) { stageId status request { ${REQUEST_FIELDS} } }
}`;
export const REQUEST_ROLLBACK = /* GraphQL */ `mutation($stageId: ID!, $reason: String) {
  requestRollback(stageId: $stageId, freezeOverrideReason: $reason) { stageId status request { ${REQUEST_FIELDS} } }
}`;
export const APPROVE = /* GraphQL */ `mutation($id: ID!, $reason: String) {
  approveRequest(requestId: $id, freezeOverrideReason: $reason) { ${REQUEST_FIELDS} }
}`;
export const REJECT = /* GraphQL */ `mutation($id: ID!) { rejectRequest(requestId: $id, comment: "not now") { ${REQUEST_FIELDS} } }`;
export const APPLY = /* GraphQL */ `mutation($id: ID!, $reason: String) {
  applyApprovalRequest(requestId: $id, freezeOverrideReason: $reason) { ${REQUEST_FIELDS} }
}`;
export const CREATE_FREEZE = /* GraphQL */ `mutation($input: CreateFreezeWindowInput!) {
  createFreezeWindow(input: $input) { id name environmentId environmentType startsAt endsAt reason }
}`;

export async function addPolicy(input: Record<string, unknown>): Promise<string> {
  return ok(await gql(CREATE_POLICY, { input: { teamId: DEMO_TEAM_ID, name: "Production gate", ...input } }, await tokenOf("teamadmin")))
    .createApprovalPolicy.id;
}

/** A freeze window active for the next hour. */
export async function addFreeze(input: Record<string, unknown>): Promise<string> {
  const now = Date.now();
  return ok(await gql(CREATE_FREEZE, {
    input: { teamId: DEMO_TEAM_ID, name: "Release freeze", startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 3600_000).toISOString(), ...input },
  }, await tokenOf("teamadmin"))).createFreezeWindow.id;
}

export const stageStatus = (stageId: string) =>
  env.DB.prepare("SELECT status FROM feature_stages WHERE id = ?").bind(stageId).first<{ status: string }>().then((r) => r?.status);
export const featureVersion = (featureId: string) =>
  env.DB.prepare("SELECT version FROM features WHERE id = ?").bind(featureId).first<{ version: number }>().then((r) => r?.version);
export const requestStatus = (id: string) =>
  env.DB.prepare("SELECT status FROM approval_requests WHERE id = ?").bind(id).first<{ status: string }>().then((r) => r?.status);
export const lastAudit = (entityId: string) => env.DB.prepare(
  "SELECT action, actor_name AS actorName, reason FROM audit_log WHERE entity_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
).bind(entityId).first();
