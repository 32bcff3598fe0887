import { graphql } from "~/gql";

/** What the experiments dashboard can be pointed at: flags (with their split rules), environments, metrics. */
export const ExperimentChoicesDoc = graphql(`
  query ExperimentChoices($teamId: ID!) {
    team(id: $teamId) { myRole environments { id key name type } }
    features(teamId: $teamId, first: 100) {
      nodes { id key stages { environment { id } rules { enabled serveSpec { kind } } } }
    }
    metrics(teamId: $teamId) { id key name type unit }
  }
`);

/** Exposures only: the flag's evaluations per variant, for a team without metrics yet. */
export const ExposuresDoc = graphql(`
  query Exposures($featureId: ID!, $environmentId: ID!, $period: AnalyticsPeriod!) {
    feature(id: $featureId) { evaluations(environmentId: $environmentId, period: $period) { total byVariant { variant count } } }
  }
`);

export const ExperimentResultsDoc = graphql(`
  query ExperimentResults($featureId: ID!, $environmentId: ID!, $metricKeys: [String!]!, $period: AnalyticsPeriod!) {
    feature(id: $featureId) { evaluations(environmentId: $environmentId, period: $period) { total byVariant { variant count } } }
    experimentResults(featureId: $featureId, environmentId: $environmentId, metricKeys: $metricKeys, period: $period) {
      from to splitWeights { variant weight }
      metrics {
        metricKey metricType baselineVariant winner statisticallySignificant recommendation warnings
        results { variant sampleSize conversions conversionRate meanValue lift confidence confidenceInterval { lower upper } }
      }
    }
  }
`);

export const CanaryGatesDoc = graphql(`
  query CanaryGates($featureId: ID!) {
    canaryGates(featureId: $featureId) {
      id environmentId enabled baselineVariant canaryVariant direction thresholdPct minSampleSize windowMinutes
      autoRollbackOnFail rollbackInMinutes metric { key name }
      results(first: 10) {
        id analyzedAt outcome reason baselineSampleSize canarySampleSize baselineValue canaryValue regressionPct rollbackTriggered trigger
      }
    }
  }
`);

export const AnalyzeCanaryGateDoc = graphql(`
  mutation AnalyzeCanaryGate($id: ID!) { analyzeCanaryGate(id: $id) { id outcome reason } }
`);
