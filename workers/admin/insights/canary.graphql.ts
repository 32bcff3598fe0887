// Canary gates of a stage (feature + environment): configuration, manual analysis and results.
// Thin: services/analytics/canary-gates.ts holds the rules.
import {
  analyzeCanaryGateAs, createCanaryGate, deleteCanaryGate, updateCanaryGate, getCanaryGate, listCanaryGates, listCanaryResults, MAX_RESULTS_PAGE,
  type CanaryGateRow, type CanaryResultRow,
} from "./analytics/canary-gates";
import { getMetric } from "./analytics/metrics";
import { MAX_ROLLBACK_MINUTES } from "../workflow/kill-switch";
import type { ModuleResolvers } from "../graphql/module";

export const typeDefs = /* GraphQL */ `
  enum CanaryDirection { higher_is_better lower_is_better }
  enum CanaryOutcome { passed failed inconclusive }

  """
  The canary variant must not regress the metric against the baseline variant by more than
  thresholdPct percent over the last windowMinutes. Enabled gates are analysed every minute.
  """
  type CanaryGate {
    id: ID!
    featureId: ID!
    environmentId: ID!
    metricId: ID!
    metric: Metric!
    baselineVariant: String!
    canaryVariant: String!
    direction: CanaryDirection!
    thresholdPct: Float!
    "Below this many samples on either side the analysis is inconclusive."
    minSampleSize: Int!
    windowMinutes: Int!
    "A failed analysis engages the feature's kill switch (emergencyDisableFeature)."
    autoRollbackOnFail: Boolean!
    "The kill switch engaged by a failure is released after this many minutes (null: it stays)."
    rollbackInMinutes: Int
    enabled: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
    "Latest analyses first (at most ${MAX_RESULTS_PAGE})."
    results(first: Int = 20): [CanaryResult!]!
  }

  type CanaryResult {
    id: ID!
    gateId: ID!
    analyzedAt: DateTime!
    outcome: CanaryOutcome!
    passed: Boolean!
    reason: String!
    baselineSampleSize: Int!
    canarySampleSize: Int!
    baselineValue: Float
    canaryValue: Float
    "Direction-aware regression of the canary in percent of the baseline (>= 0); null when inconclusive."
    regressionPct: Float
    rollbackTriggered: Boolean!
    rollbackError: String
    "manual or scheduled"
    trigger: String!
  }

  input CreateCanaryGateInput {
    featureId: ID!
    environmentId: ID!
    metricKey: String!
    baselineVariant: String!
    canaryVariant: String!
    direction: CanaryDirection!
    thresholdPct: Float!
    minSampleSize: Int!
    windowMinutes: Int!
    autoRollbackOnFail: Boolean
    "1..${MAX_ROLLBACK_MINUTES}"
    rollbackInMinutes: Int
    enabled: Boolean
  }

  input UpdateCanaryGateInput {
    id: ID!
    baselineVariant: String
    canaryVariant: String
    direction: CanaryDirection
    thresholdPct: Float
    minSampleSize: Int
    windowMinutes: Int
    autoRollbackOnFail: Boolean
    rollbackInMinutes: Int
    enabled: Boolean
  }

  extend type Query {
    "The feature's canary gates (in one environment when given). Team members."
    canaryGates(featureId: ID!, environmentId: ID): [CanaryGate!]!
    canaryGate(id: ID!): CanaryGate!
    canaryResults(gateId: ID!, first: Int = 20): [CanaryResult!]!
  }

  extend type Mutation {
    "Team admins."
    createCanaryGate(input: CreateCanaryGateInput!): CanaryGate!
    "Team admins."
    updateCanaryGate(input: UpdateCanaryGateInput!): CanaryGate!
    "Team admins."
    deleteCanaryGate(id: ID!): CanaryGate!
    "Analyses the gate now and records the result. forceRollback engages the kill switch on failure even without autoRollbackOnFail. Team admins."
    analyzeCanaryGate(id: ID!, forceRollback: Boolean = false): CanaryResult!
  }
`;

export const resolvers: ModuleResolvers = {
  CanaryGate: {
    metric: async (gate: CanaryGateRow, _args, ctx) => getMetric(ctx.deps, await ctx.principal(), gate.metricId),
    results: async (gate: CanaryGateRow, args: { first: number }, ctx) => listCanaryResults(ctx.deps, await ctx.principal(), gate.id, args.first),
  },
  CanaryResult: {
    passed: (result: CanaryResultRow) => result.outcome === "passed",
  },
  Query: {
    canaryGates: async (_p, args: { featureId: string; environmentId?: string | null }, ctx) =>
      listCanaryGates(ctx.deps, await ctx.principal(), args.featureId, args.environmentId),
    canaryGate: async (_p, args: { id: string }, ctx) => getCanaryGate(ctx.deps, await ctx.principal(), args.id),
    canaryResults: async (_p, args: { gateId: string; first: number }, ctx) => listCanaryResults(ctx.deps, await ctx.principal(), args.gateId, args.first),
  },
  Mutation: {
    createCanaryGate: async (_p, args: { input: unknown }, ctx) => createCanaryGate(ctx.deps, await ctx.principal(), args.input),
    updateCanaryGate: async (_p, args: { input: unknown }, ctx) => updateCanaryGate(ctx.deps, await ctx.principal(), args.input),
    deleteCanaryGate: async (_p, args: { id: string }, ctx) => deleteCanaryGate(ctx.deps, await ctx.principal(), args.id),
    analyzeCanaryGate: async (_p, args: { id: string; forceRollback: boolean }, ctx) =>
      analyzeCanaryGateAs(ctx.deps, await ctx.principal(), args.id, args.forceRollback),
  },
};
