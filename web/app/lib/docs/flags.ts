import { graphql } from "~/gql";

export const FlagsListDoc = graphql(`
  query FlagsList($teamId: ID!, $filter: FeatureFilter, $first: Int!, $after: String) {
    team(id: $teamId) { id myRole environments { id key name type } }
    features(teamId: $teamId, filter: $filter, first: $first, after: $after) {
      nodes {
        id key name type lifecycle owner tags killSwitchEnabled rollbackScheduledAt
        stages { id status environment { id } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const RequestDeployDoc = graphql(`
  mutation RequestDeploy($stageId: ID!, $comment: String) {
    requestDeploy(stageId: $stageId, comment: $comment) { stageId status request { id } }
  }
`);

export const RequestRollbackDoc = graphql(`
  mutation RequestRollback($stageId: ID!, $comment: String) {
    requestRollback(stageId: $stageId, comment: $comment) { stageId status request { id } }
  }
`);

export const KillDoc = graphql(`
  mutation EngageKillSwitch($id: ID!, $reason: String, $rollbackInMinutes: Int) {
    emergencyDisableFeature(id: $id, reason: $reason, rollbackInMinutes: $rollbackInMinutes) { id killSwitchEnabled rollbackScheduledAt }
  }
`);

export const ReEnableDoc = graphql(`
  mutation ReEnable($id: ID!) { emergencyEnableFeature(id: $id) { id killSwitchEnabled } }
`);
