import { graphql } from "~/gql";

export const FlagPageDoc = graphql(`
  query FlagPage($id: ID!, $teamId: ID!) {
    feature(id: $id) {
      id key name type description lifecycle owner tags purpose referenceUrl expiresAt version
      killSwitchEnabled killSwitchReason rollbackScheduledAt
      variants { id key value description }
      prerequisites { variant feature { id key } }
      stages {
        id status defaultVariant offVariant
        environment { id key name type }
        rules {
          id name enabled priority
          match { operator conditions { attribute operator value caseInsensitive } }
          serveSpec { kind variant percentage bucketBy allocations { variant weight } }
        }
      }
    }
    team(id: $teamId) { id myRole }
    segments(teamId: $teamId, first: 100) { nodes { key } }
    features(teamId: $teamId, first: 100) { nodes { id key } }
    contexts(teamId: $teamId, first: 100) { nodes { attributes { name type values } } }
  }
`);

export const UpdateFeatureDoc = graphql(`
  mutation UpdateFeature($input: UpdateFeatureInput!) { updateFeature(input: $input) { id version } }
`);

export const CreateVariantDoc = graphql(`
  mutation CreateVariant($input: CreateFeatureVariantInput!) { createFeatureVariant(input: $input) { id } }
`);

export const SetStageRulesDoc = graphql(`
  mutation SetStageRules($stageId: ID!, $rules: [RuleInput!]!, $expectedVersion: Int) {
    setStageRules(stageId: $stageId, rules: $rules, expectedVersion: $expectedVersion) { id }
  }
`);

export const RequestRulesChangeDoc = graphql(`
  mutation RequestRulesChange($stageId: ID!, $rules: [RuleInput!]!, $comment: String) {
    requestRulesChange(stageId: $stageId, rules: $rules, comment: $comment) { id status }
  }
`);

export const SetStageVariantsDoc = graphql(`
  mutation SetStageVariants($input: SetStageVariantsInput!) { setStageVariants(input: $input) { id } }
`);

export const SetPrerequisiteDoc = graphql(`
  mutation SetPrerequisite($input: SetFeaturePrerequisiteInput!) { setFeaturePrerequisite(input: $input) { id } }
`);

export const RemovePrerequisiteDoc = graphql(`
  mutation RemovePrerequisite($featureId: ID!, $requiredFeatureId: ID!) { removeFeaturePrerequisite(featureId: $featureId, requiredFeatureId: $requiredFeatureId) { id } }
`);

export const EvaluateDoc = graphql(`
  query TryEvaluate($environmentId: ID!, $featureKey: String!, $context: JSON!) {
    evaluateFeature(environmentId: $environmentId, featureKey: $featureKey, context: $context) {
      value variant reason errorCode errorDetails metadata
    }
  }
`);

export const VersionsDoc = graphql(`
  query FlagVersions($featureId: ID!) {
    featureVersions(featureId: $featureId, first: 25) { nodes { version source summary createdAt actorId } }
  }
`);

export const DiffDoc = graphql(`
  query FlagDiff($featureId: ID!, $from: Int!, $to: Int!) {
    diffFeatureVersions(featureId: $featureId, from: $from, to: $to) { path before after }
  }
`);

export const RollbackVersionDoc = graphql(`
  mutation RollbackVersion($featureId: ID!, $version: Int!, $comment: String) {
    rollbackFeatureToVersion(featureId: $featureId, version: $version, comment: $comment) { version request { id } }
  }
`);

export const CreateFeatureDoc = graphql(`
  mutation CreateFeature($input: CreateFeatureInput!) { createFeature(input: $input) { id } }
`);

export const PipelinesDoc = graphql(`
  query Pipelines($teamId: ID!) { pipelines(teamId: $teamId, first: 50) { nodes { id name } } }
`);

export const ScheduledChangesDoc = graphql(`
  query ScheduledChanges($teamId: ID!, $featureId: ID!) {
    scheduledChanges(teamId: $teamId, featureId: $featureId) { id action status runAt timezone result environmentId payload }
  }
`);

export const CreateScheduledChangeDoc = graphql(`
  mutation CreateScheduledChange($input: CreateScheduledChangeInput!) { createScheduledChange(input: $input) { id runAt } }
`);

export const CancelScheduledChangeDoc = graphql(`
  mutation CancelScheduledChange($id: ID!) { cancelScheduledChange(id: $id) { id status } }
`);

export const RescheduleScheduledChangeDoc = graphql(`
  mutation RescheduleScheduledChange($id: ID!, $scheduledAt: DateTime!, $timezone: String) {
    rescheduleScheduledChange(id: $id, scheduledAt: $scheduledAt, timezone: $timezone) { id runAt timezone }
  }
`);
