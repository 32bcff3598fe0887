// Evaluation analytics over the D1 per-minute rollups: a summary (team or environment), rates in
// epoch-aligned N-minute buckets, per-feature totals with the last evaluation, and Feature.evaluations.
// Team members read; other callers get NOT_FOUND. Definitions in analytics/evaluations.ts and analytics/dashboard.ts.
import {
  evaluationRates, evaluationsByFeature, evaluationSummary, featureEvaluationsBatch, MAX_RATE_BUCKETS,
  type FeatureEvaluations, type FeatureEvaluationsKey, type RateBucket,
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
    "When this answer was computed."
    generatedAt: DateTime!
    totalEvaluations: Int!
    "Evaluations whose reason is not ERROR."
    successfulEvaluations: Int!
    "successfulEvaluations / totalEvaluations (0..1); null without evaluations."
    successRate: Float
    "Evaluations answered from the evaluator's in-memory snapshot, without waiting on KV or the environment object (SDKs: from their local snapshot)."
    cachedEvaluations: Int!
    "cachedEvaluations / totalEvaluations (0..1); null without evaluations."
    cacheHitRate: Float
    byReason: [ReasonCount!]!
    featuresEvaluated: Int!
    "The flag evaluated most often (ties: alphabetical)."
    topFeatureKey: String
  }

  "One bucket of evaluationRates: [bucketStart, bucketEnd). timeBucket = bucketStart, evaluationCount = evaluations (the seed's names)."
  type EvaluationRate {
    "Start of the bucket (the first bucket may start later, cut by the window)."
    timeBucket: DateTime!
    evaluationCount: Int!
    "Evaluations whose reason is not ERROR."
    successCount: Int!
    "successCount / evaluationCount (0..1); null for an empty bucket."
    successRate: Float
    "Evaluations answered from the evaluator's in-memory snapshot."
    cacheHits: Int!
    "cacheHits / evaluationCount (0..1); null for an empty bucket."
    cacheHitRate: Float
    bucketStart: DateTime!
    bucketEnd: DateTime!
    "Alias of evaluationCount."
    evaluations: Int!
    "evaluationCount - successCount."
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
    """
    Evaluation totals of a team (all its environments) or of one environment (its id or key, looked
    up within your teams). Optional filters: featureKey, clientId ("" = unknown client). Team members.
    """
    evaluationSummary(teamId: ID, environmentId: ID, period: AnalyticsPeriod!, featureKey: String, clientId: ID): EvaluationSummary!
    """
    Evaluations per intervalMinutes (1..60, or whole hours up to 1440 = a day) bucket, aligned to the Unix epoch (a bucket starts at a
    minute divisible by the interval); empty buckets included; at most ${MAX_RATE_BUCKETS} buckets.
    """
    evaluationRates(environmentId: ID!, period: AnalyticsPeriod!, intervalMinutes: Int!, featureKey: String, clientId: ID): [EvaluationRate!]!
    "Per-feature totals in [from, to) (to defaults to now; at most 90 days). Team members."
    evaluationsByFeature(environmentId: ID!, from: DateTime!, to: DateTime): EvaluationsByFeature!
  }
`;

const featureEvaluationsLoader = defineLoader<FeatureEvaluationsKey, FeatureEvaluations>("featureEvaluations", featureEvaluationsBatch);

const rate = (part: number, total: number) => (total === 0 ? null : part / total);

export const resolvers: ModuleResolvers = {
  EvaluationRate: {
    timeBucket: (bucket: RateBucket) => bucket.bucketStart,
    evaluationCount: (bucket: RateBucket) => bucket.evaluations,
    successCount: (bucket: RateBucket) => bucket.evaluations - bucket.errors,
    successRate: (bucket: RateBucket) => rate(bucket.evaluations - bucket.errors, bucket.evaluations),
    cacheHitRate: (bucket: RateBucket) => rate(bucket.cacheHits, bucket.evaluations),
  },
  Feature: {
    evaluations: async (feature: FeatureRow, args: { environmentId: string; period: AnalyticsPeriod }, ctx) => {
      await ctx.principal();
      return ctx.loader(featureEvaluationsLoader).load({
        feature: { id: feature.id, key: feature.key, teamId: feature.teamId }, environmentId: args.environmentId, period: args.period,
      });
    },
  },
  Query: {
    evaluationSummary: async (_p, args: Parameters<typeof evaluationSummary>[2], ctx) =>
      evaluationSummary(ctx.deps, await ctx.principal(), args),
    evaluationRates: async (_p, args: Parameters<typeof evaluationRates>[2], ctx) =>
      evaluationRates(ctx.deps, await ctx.principal(), args),
    evaluationsByFeature: async (_p, args: { environmentId: string; from: Date; to?: Date | null }, ctx) =>
      evaluationsByFeature(ctx.deps, await ctx.principal(), args),
  },
};
