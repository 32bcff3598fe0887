// Delivery metrics of a team and the impact preview of a feature change. Thin: the definitions and
// rules live in services/delivery-metrics.ts.
import { featureImpactPreview, rolloutMetrics } from "./delivery-metrics";
import type { ModuleResolvers } from "../graphql/module";

export const typeDefs = /* GraphQL */ `
  "The environment whose approval requests waited longest on average in the last 30 days."
  type ApprovalBottleneck {
    environmentId: ID!
    environmentKey: String!
    "Mean wait (request to decision, or to now while pending), hours."
    averageWaitHours: Float!
    "Requests averaged."
    requests: Int!
  }

  """
  Delivery health of a team as of \`now\`. Windows end at \`now\`: this week = the 7 days before it,
  last week = the 7 days before that, the approval window = the 30 days before it. A deploy is a stage
  becoming DEPLOYED (audit action stage.deploy); each feature counts once per week. Decided requests
  are approved, applied or rejected ones (cancelled and invalidated are not decisions).
  """
  type RolloutMetrics {
    teamId: ID!
    now: DateTime!
    featuresDeployedThisWeek: Int!
    featuresDeployedLastWeek: Int!
    "Percent change this week vs last week; null when last week is 0."
    deploymentChange: Float
    "Percent of the requests decided in the window that were approved or applied; null when none."
    approvalRate: Float
    "Mean hours from request to decision over the requests decided in the window; null when none."
    averageApprovalHours: Float
    "Requests open at now."
    totalPendingApprovals: Int!
    bottleneckEnvironment: ApprovalBottleneck
    """
    Mean hours a feature spent in its pipeline, over the features that completed it in the approval
    window: from the feature's first deploy request (or direct deploy) in any environment to the
    first deploy of its last stage (highest pipeline position) in the window. Null when none.
    """
    averageTimeInPipeline: Float
    "The features averaged by averageTimeInPipeline."
    pipelineCompletions: Int!
  }

  "HIGH: production or protected; MEDIUM: staging, or dependents live there; LOW: otherwise."
  enum RiskLevel { LOW MEDIUM HIGH }

  type ImpactDependent {
    featureId: ID!
    key: String!
    "1 = requires the feature itself; 2 = requires a direct dependent; ..."
    depth: Int!
  }

  "What changing the feature in one environment would touch."
  type EnvironmentImpact {
    environmentId: ID!
    environmentKey: String!
    environmentType: EnvironmentType!
    "An enabled approval policy covers the environment."
    protected: Boolean!
    approvalPolicyId: ID
    "A freeze window covers the environment now."
    frozen: Boolean!
    stageStatus: StageStatus!
    "The stage serves its rules (deployed, or a rollback not yet approved)."
    live: Boolean!
    "Enabled server clients evaluating in the environment."
    serverClients: Int!
    "Enabled web clients evaluating in the environment."
    webClients: Int!
    "Features requiring this one (directly or transitively) that are live in the environment."
    dependents: [ImpactDependent!]!
    riskLevel: RiskLevel!
  }

  type ImpactPreview {
    featureId: ID!
    key: String!
    "The highest risk among the environments (LOW when there are none)."
    riskLevel: RiskLevel!
    environments: [EnvironmentImpact!]!
  }

  extend type Query {
    "Deploy and approval figures of the team as of now (default: the clock)."
    rolloutMetrics(teamId: ID!, now: DateTime): RolloutMetrics!
    "Per environment of the feature (all in pipeline order, or the given ones, each of which must be the feature's)."
    featureImpactPreview(featureId: ID!, environmentIds: [ID!]): ImpactPreview!
  }
`;

export const resolvers: ModuleResolvers = {
  Query: {
    rolloutMetrics: async (_p, args: { teamId: string; now?: Date | null }, ctx) =>
      rolloutMetrics(ctx.deps, await ctx.principal(), args.teamId, args.now),
    featureImpactPreview: async (_p, args: { featureId: string; environmentIds?: string[] | null }, ctx) =>
      featureImpactPreview(ctx.deps, await ctx.principal(), args.featureId, args.environmentIds),
  },
};
