import { graphql } from "~/gql";

export const BulkUpdateFeaturesDoc = graphql(`
  mutation BulkUpdateFeatures($teamId: ID!, $featureIds: [ID!]!, $action: BulkFeatureAction!, $owner: String, $tags: [String!], $lifecycle: Lifecycle) {
    bulkUpdateFeatures(teamId: $teamId, featureIds: $featureIds, action: $action, owner: $owner, tags: $tags, lifecycle: $lifecycle) {
      succeeded failed results { featureId ok error message }
    }
  }
`);

export const BulkArchiveFeaturesDoc = graphql(`
  mutation BulkArchiveFeatures($teamId: ID!, $featureIds: [ID!]!, $confirmDependents: Boolean, $freezeOverrideReason: String) {
    bulkArchiveFeatures(teamId: $teamId, featureIds: $featureIds, confirmDependents: $confirmDependents, freezeOverrideReason: $freezeOverrideReason) {
      succeeded failed results { featureId ok error message }
    }
  }
`);
