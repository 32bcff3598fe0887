import { graphql } from "~/gql";

export const ApprovalsLiveDoc = graphql(`
  subscription ApprovalsLive($teamId: ID!) { approvalRequests(teamId: $teamId) { requestId featureKey status at } }
`);

export const KillSwitchesLiveDoc = graphql(`
  subscription KillSwitchesLive($teamId: ID!) { killSwitchChanges(teamId: $teamId) { featureId featureKey engaged rollbackAt at } }
`);

export const FeaturesLiveDoc = graphql(`
  subscription FeaturesLive($environmentId: ID!) { featureChanges(environmentId: $environmentId) { environmentId version flagKeys at } }
`);
