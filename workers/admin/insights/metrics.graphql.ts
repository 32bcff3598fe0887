// Team metrics (CRUD) and experiment results per variant. Thin: services/analytics/metrics.ts and
// services/analytics/experiments.ts hold the rules and the statistics.
import { experimentResults } from "./analytics/experiments";
import { createMetric, deleteMetric, getMetric, listMetrics, updateMetric } from "./analytics/metrics";
import type { AnalyticsPeriod } from "./analytics/periods";
import type { ModuleResolvers } from "../graphql/module";

export const typeDefs = /* GraphQL */ `
  enum MetricType {
    "Did the user convert (tracked value 1, or 0 for an exposure without conversion)."
    conversion
    "A value per event, higher is better (revenue, items)."
    numeric
    "A time per event, lower is better: its lift is inverted."
    duration
  }

  type Metric {
    id: ID!
    teamId: ID!
    "What applications send as \`metric\` to POST /v1/track. Fixed once created."
    key: String!
    name: String!
    description: String!
    type: MetricType!
    unit: String
    successCriteria: JSON
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  input CreateMetricInput {
    teamId: ID!
    key: String!
    name: String!
    description: String
    type: MetricType!
    unit: String
    successCriteria: JSON
  }

  input UpdateMetricInput {
    id: ID!
    name: String
    description: String
    unit: String
    successCriteria: JSON
  }

  type ConfidenceInterval { lower: Float! upper: Float! }

  type VariantResult {
    variant: String!
    "Users (conversion metrics) or events (numeric, duration)."
    sampleSize: Int!
    conversions: Int
    conversionRate: Float
    meanValue: Float
    "Relative change vs the baseline (inverted for duration metrics: positive is better); null for the baseline."
    lift: Float
    "1 - two-sided p-value vs the baseline (two-proportion z-test, or Welch's z-test on means)."
    confidence: Float
    "95%: Wilson score interval of the rate, or normal interval of the mean."
    confidenceInterval: ConfidenceInterval
  }

  type MetricExperiment {
    metricKey: String!
    metricType: MetricType!
    "The variant \\"control\\" if it has data, else the first alphabetically."
    baselineVariant: String
    results: [VariantResult!]!
    winner: String
    statisticallySignificant: Boolean!
    recommendation: String!
    "Guardrails not met (100 per variant, 200 in total) and sample-ratio mismatches against the configured split."
    warnings: [String!]!
  }

  type SplitWeight { variant: String! weight: Int! }

  type ExperimentResults {
    featureId: ID!
    featureKey: String!
    environmentId: ID!
    from: DateTime!
    to: DateTime!
    "The stage's configured split (first enabled split rule) the sample-ratio check compares against."
    splitWeights: [SplitWeight!]
    metrics: [MetricExperiment!]!
  }

  extend type Query {
    "The team's metrics by key. Team members."
    metrics(teamId: ID!): [Metric!]!
    metric(id: ID!): Metric!
    "Variants of the feature compared on the metrics in the environment over the period. Team members."
    experimentResults(featureId: ID!, environmentId: ID!, metricKeys: [String!]!, period: AnalyticsPeriod!): ExperimentResults!
  }

  extend type Mutation {
    "Team admins."
    createMetric(input: CreateMetricInput!): Metric!
    "Team admins. Key and type cannot change."
    updateMetric(input: UpdateMetricInput!): Metric!
    "Team admins. Deletes the metric's tracked events and the canary gates using it."
    deleteMetric(id: ID!): Metric!
  }
`;

export const resolvers: ModuleResolvers = {
  Query: {
    metrics: async (_p, args: { teamId: string }, ctx) => listMetrics(ctx.deps, await ctx.principal(), args.teamId),
    metric: async (_p, args: { id: string }, ctx) => getMetric(ctx.deps, await ctx.principal(), args.id),
    experimentResults: async (_p, args: { featureId: string; environmentId: string; metricKeys: string[]; period: AnalyticsPeriod }, ctx) =>
      experimentResults(ctx.deps, await ctx.principal(), args),
  },
  Mutation: {
    createMetric: async (_p, args: { input: unknown }, ctx) => createMetric(ctx.deps, await ctx.principal(), args.input),
    updateMetric: async (_p, args: { input: unknown }, ctx) => updateMetric(ctx.deps, await ctx.principal(), args.input),
    deleteMetric: async (_p, args: { id: string }, ctx) => deleteMetric(ctx.deps, await ctx.principal(), args.id),
  },
};
