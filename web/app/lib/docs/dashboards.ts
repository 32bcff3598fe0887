import { graphql } from "~/gql";

// One shape for the evaluation dashboard, whether it comes from the query (loaders, any window) or
// the subscription (pushed to the page live, windows up to 24 h).
export const DashboardFieldsFragment = graphql(`
  fragment DashboardFields on EvaluationDashboard {
    teamId environmentId environmentKey from to generatedAt intervalMinutes
    summary { totalEvaluations successfulEvaluations successRate cachedEvaluations cacheHitRate featuresEvaluated topFeatureKey }
    rates { bucketStart evaluationCount successCount errors cacheHits successRate cacheHitRate }
    topFeatures { key evaluationCount share successRate }
    distributions {
      byFeature { key label evaluationCount share }
      byEnvironment { key label evaluationCount share }
      byClient { key label evaluationCount share }
      byVariant { key label evaluationCount share }
      byReason { key label evaluationCount share }
    }
  }
`);

export const EvaluationDashboardDoc = graphql(`
  query EvaluationDashboard($input: EvaluationDashboardInput!) { evaluationDashboard(input: $input) { ...DashboardFields } }
`);

export const EvaluationDashboardLiveDoc = graphql(`
  subscription EvaluationDashboardLive($input: EvaluationDashboardInput!) { evaluationDashboard(input: $input) { ...DashboardFields } }
`);

export const OverviewDoc = graphql(`
  query Overview($teamId: ID!, $growthFrom: DateTime!, $growthTo: DateTime!, $previous: EvaluationDashboardInput!) {
    systemMetrics(teamId: $teamId) {
      totalFeatures activeKillSwitches pendingApprovals activeClients environments evaluationsToday evaluationsYesterday
      featuresByLifecycle { draft active deprecated archived }
    }
    featureGrowth(teamId: $teamId, from: $growthFrom, to: $growthTo, interval: DAY) { bucketStart featureCount cumulativeCount }
    recentActivity(teamId: $teamId, first: 10) {
      nodes { id action actorName createdAt entityType entityLabel reason feature { id key } environment { key name } }
    }
    previous: evaluationDashboard(input: $previous) {
      summary { totalEvaluations successfulEvaluations cachedEvaluations }
    }
  }
`);

export const DashboardFiltersDoc = graphql(`
  query DashboardFilters($teamId: ID!) {
    team(id: $teamId) { environments { id key name } }
  }
`);

export const DashboardClientsDoc = graphql(`
  query DashboardClients($teamId: ID!) {
    clients(teamId: $teamId, first: 100) { nodes { id name environment { key } } }
  }
`);
