import { graphql } from "~/gql";

/** Audit actions the rollout timeline shows: deploys, rollbacks, decisions, kill switches. */
export const TIMELINE_ACTIONS = [
  "stage.request_deploy", "stage.deploy", "stage.rollback", "stage.request_rules_change",
  "approval_request.approve", "approval_request.reject", "approval_request.auto_approve", "approval_request.admin_override",
  "feature.kill_switch_on", "feature.kill_switch_off", "feature.rollback_to_version", "rule.scheduled_rollout",
];

export const RolloutDashboardDoc = graphql(`
  query RolloutDashboard($teamId: ID!, $actions: [String!]!) {
    rolloutMetrics(teamId: $teamId) {
      now featuresDeployedThisWeek featuresDeployedLastWeek deploymentChange approvalRate averageApprovalHours
      averageTimeInPipeline pipelineCompletions totalPendingApprovals
      bottleneckEnvironment { environmentId environmentKey averageWaitHours requests }
    }
    approvalRequests(teamId: $teamId, status: pending, first: 100) {
      nodes { id action createdAt autoApproveAt requestedBy featureId environmentId requiredApprovals votes { vote } }
    }
    activeKillSwitches(teamId: $teamId) { id key killSwitchReason killSwitchActivatedAt rollbackScheduledAt }
    recentActivity(teamId: $teamId, filter: { actions: $actions }, first: 25) {
      nodes { id action actorName createdAt entityLabel reason environment { id name } feature { id key } }
    }
    team(id: $teamId) { environments { id key name type } members(first: 100) { nodes { user { id username } } } }
  }
`);

/** One page of the pipeline matrix: every flag's stage per environment. */
export const PipelineMatrixDoc = graphql(`
  query PipelineMatrix($teamId: ID!, $after: String) {
    features(teamId: $teamId, first: 100, after: $after) {
      nodes { id key killSwitchEnabled stages { id status environment { id } } }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const TeamEnvironmentsDoc = graphql(`
  query TeamEnvironments($teamId: ID!) { team(id: $teamId) { environments { id } } }
`);
