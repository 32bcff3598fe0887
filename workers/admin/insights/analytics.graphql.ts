// Evaluation analytics over the D1 per-minute rollups: a summary (team or environment), rates in
// epoch-aligned N-minute buckets, per-feature totals with the last evaluation, and Feature.evaluations.
// Team members read; other callers get NOT_FOUND. Definitions in services/analytics/evaluations.ts.
import {
  evaluationRates, evaluationsByFeature, evaluationSummary, featureEvaluationsBatch, MAX_RATE_BUCKETS,
  type FeatureEvaluations, type FeatureEvaluationsKey,
} from "./analytics/evaluations";
import type { AnalyticsPeriod } from "./analytics/periods";
import type { FeatureRow } from "../configuration/feature-state";
import { defineLoader } from "../graphql/loaders";
import type { ModuleResolvers } from "../graphql/module";

export const typeDefs = /* GraphQL */ `
  "A window ending now: the last hour, 24 hours, 7 days or 30 days (whole minutes, the current one included)."
  enum AnalyticsPeriod { PERIOD_1H PERIOD_24H PERIOD_7D PERIOD_30D }

  type ReasonCount { reason: String! count: Int! }

  "Evaluations counted by the Worker (OFREP, /evaluate) and reported by SDKs (/v1/evaluation-counts)."
  type EvaluationSummary {
    from: DateTime!
    to: DateTime!
    totalEvaluations: Int!
    "Evaluations whose reason is not ERROR."
    successfulEvaluations: Int!
    "successfulEvaluations / totalEvaluations (0..1); null without evaluations."
    successRate: Float
    byReason: [ReasonCount!]!
    featuresEvaluated: Int!
    "The flag evaluated most often (ties: alphabetical)."
    topFeatureKey: String
  }

  "One bucket of evaluationRates: [bucketStart, bucketEnd)."
  type EvaluationRate {
    bucketStart: DateTime!
    bucketEnd: DateTime!
    evaluations: Int!
    errors: Int!
  }

  type FeatureEvaluationTotals {
    featureKey: String!
    "The team's feature with this key now (null when it was deleted or renamed)."
    featureId: ID
    evaluations: Int!
    errors: Int!
    "Start of the last minute with an evaluation in the range."
    lastEvaluatedAt: DateTime!
  }

  type EvaluationsByFeature {
    from: DateTime!
    to: DateTime!
    "Most evaluated first."
    features: [FeatureEvaluationTotals!]!
  }

  type VariantCount {
    "Null when no variant was served."
    variant: String
    reason: String!
    count: Int!
  }

  type FeatureEvaluations {
    environmentId: ID!
    from: DateTime!
    to: DateTime!
    total: Int!
    byVariant: [VariantCount!]!
    lastEvaluatedAt: DateTime
  }

  extend type Feature {
    "How often the feature was evaluated in the environment (of the feature's team) over the period."
    evaluations(environmentId: ID!, period: AnalyticsPeriod!): FeatureEvaluations!
  }

  extend type Query {
    "Evaluation totals of a team (all its environments) or of one environment. Team members."
    evaluationSummary(teamId: ID, environmentId: ID, period: AnalyticsPeriod!): EvaluationSummary!
    """
    Evaluations per intervalMinutes (1..60) bucket, aligned to the Unix epoch (a bucket starts at a
    minute divisible by the interval); empty buckets included; at most ${MAX_RATE_BUCKETS} buckets.
    """
    evaluationRates(environmentId: ID!, period: AnalyticsPeriod!, intervalMinutes: Int!, featureKey: String): [EvaluationRate!]!
    "Per-feature totals in [from, to) (to defaults to now; at most 90 days). Team members."
    evaluationsByFeature(environmentId: ID!, from: DateTime!, to: DateTime): EvaluationsByFeature!
  }
`;

const featureEvaluationsLoader = defineLoader<FeatureEvaluationsKey, FeatureEvaluations>("featureEvaluations", featureEvaluationsBatch);

export const resolvers: ModuleResolvers = {
  Feature: {
    evaluations: async (feature: FeatureRow, args: { environmentId: string; period: AnalyticsPeriod }, ctx) => {
      await ctx.principal();
      return ctx.loader(featureEvaluationsLoader).load({
        feature: { id: feature.id, key: feature.key, teamId: feature.teamId }, environmentId: args.environmentId, period: args.period,
      });
    },
  },
  Query: {
    evaluationSummary: async (_p, args: { teamId?: string | null; environmentId?: string | null; period: AnalyticsPeriod }, ctx) =>
      evaluationSummary(ctx.deps, await ctx.principal(), args),
    evaluationRates: async (_p, args: { environmentId: string; period: AnalyticsPeriod; intervalMinutes: number; featureKey?: string | null }, ctx) =>
      evaluationRates(ctx.deps, await ctx.principal(), args),
    evaluationsByFeature: async (_p, args: { environmentId: string; from: Date; to?: Date | null }, ctx) =>
      evaluationsByFeature(ctx.deps, await ctx.principal(), args),
  },
};
