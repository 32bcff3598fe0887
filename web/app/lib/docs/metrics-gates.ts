// GraphQL documents of the metrics and canary-gate settings (typed against the API's schema by codegen).
import { graphql } from "~/gql";

export const MetricsDoc = graphql(`
  query SettingsMetrics($teamId: ID!) {
    metrics(teamId: $teamId) { id key name description type unit successCriteria }
    team(id: $teamId) { myRole }
  }
`);

export const CreateMetricDoc = graphql(`
  mutation SettingsCreateMetric($input: CreateMetricInput!) { createMetric(input: $input) { id key } }
`);

export const UpdateMetricDoc = graphql(`
  mutation SettingsUpdateMetric($input: UpdateMetricInput!) { updateMetric(input: $input) { id key } }
`);

export const DeleteMetricDoc = graphql(`
  mutation SettingsDeleteMetric($id: ID!) { deleteMetric(id: $id) { id key } }
`);

/** The flags (with their variant keys) and environments a gate can be set on, and the metrics it can watch. */
export const GateChoicesDoc = graphql(`
  query SettingsGateChoices($teamId: ID!) {
    team(id: $teamId) { myRole environments { id key name type } }
    features(teamId: $teamId, first: 100) { nodes { id key type variants { key } } }
    metrics(teamId: $teamId) { id key name }
  }
`);

export const GatesDoc = graphql(`
  query SettingsCanaryGates($featureId: ID!, $environmentId: ID) {
    canaryGates(featureId: $featureId, environmentId: $environmentId) {
      id environmentId enabled baselineVariant canaryVariant direction thresholdPct minSampleSize windowMinutes
      autoRollbackOnFail rollbackInMinutes metric { key name }
    }
  }
`);

export const CreateGateDoc = graphql(`
  mutation SettingsCreateCanaryGate($input: CreateCanaryGateInput!) { createCanaryGate(input: $input) { id } }
`);

export const UpdateGateDoc = graphql(`
  mutation SettingsUpdateCanaryGate($input: UpdateCanaryGateInput!) { updateCanaryGate(input: $input) { id } }
`);

export const DeleteGateDoc = graphql(`
  mutation SettingsDeleteCanaryGate($id: ID!) { deleteCanaryGate(id: $id) { id } }
`);
