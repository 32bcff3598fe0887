import { graphql } from "~/gql";

export const ApprovalsDoc = graphql(`
  query Approvals($teamId: ID!, $status: ApprovalStatus) {
    approvalRequests(teamId: $teamId, status: $status, first: 100) {
      nodes { id policyId action status comment createdAt requestedBy featureId environmentId payload requiredApprovals eligibleUserIds votes { userId vote comment } }
    }
    pendingApprovals(teamId: $teamId) { id }
    team(id: $teamId) { environments { id name } members(first: 100) { nodes { user { id username } } } }
    features(teamId: $teamId, first: 100) { nodes { id key } }
    me { id }
  }
`);

export const ApproveDoc = graphql(`
  mutation Approve($requestId: ID!, $comment: String) { approveRequest(requestId: $requestId, comment: $comment) { id status } }
`);

export const RejectDoc = graphql(`
  mutation Reject($requestId: ID!, $comment: String) { rejectRequest(requestId: $requestId, comment: $comment) { id status } }
`);

export const KillSwitchesDoc = graphql(`
  query KillSwitches($teamId: ID!) {
    activeKillSwitches(teamId: $teamId) { id key name killSwitchReason killSwitchActivatedAt rollbackScheduledAt }
    team(id: $teamId) { myRole }
  }
`);

export const AuditDoc = graphql(`
  query Audit($teamId: ID!, $entityType: String, $entityId: ID, $after: String) {
    auditLog(teamId: $teamId, entityType: $entityType, entityId: $entityId, first: 50, after: $after) {
      nodes { id action actorName createdAt entityType entityId reason diff }
      pageInfo { hasNextPage endCursor }
    }
  }
`);
