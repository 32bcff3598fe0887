// The seed's real-time dashboard operations: subscriptions evaluationRates, evaluationSummary and
// evaluationDashboard (over SSE and over WebSocket, graphql-transport-ws: graphql/websocket.ts) and
// the queries evaluationDashboard and evaluationBreakdown. Services in live-analytics.ts.
import type { ControlContext } from "../graphql/context";
import type { ModuleResolvers } from "../graphql/module";
import type { EvaluationDashboard, EvaluationGroup } from "./analytics/dashboard";
import type { Dimension } from "./analytics/evaluation-store";
import {
  evaluationBreakdown, evaluationDashboard, subscribeEvaluationDashboard, subscribeEvaluationRates, subscribeEvaluationSummary,
  type AnalyticsInput,
} from "./live-analytics";

const WHOSE = `"An environment's id or key (\\"production\\"), a key looked up within your teams. Without it: teamId, or your only team."
    environmentId: ID
    "A team: all its environments (instead of environmentId)."
    teamId: ID
    "Only this feature's evaluations."
    featureKey: String
    "Only this client credential's evaluations (\\"\\" = evaluations whose client is not known)."
    clientId: ID`;

export const typeDefs = /* GraphQL */ `
  input EvaluationRatesInput {
    ${WHOSE}
    "Bucket size: 1..60 minutes, or whole hours up to 1440 (a day); buckets aligned to the Unix epoch (UTC days)."
    intervalMinutes: Int = 5
    "The window ending now: 1..24 hours for subscriptions, up to 2160 (90 days) for queries."
    durationHours: Int = 24
  }

  input EvaluationSummaryInput {
    ${WHOSE}
    "The window ending now: 1..24 hours for subscriptions."
    durationHours: Int = 24
  }

  input EvaluationDashboardInput {
    ${WHOSE}
    "Bucket size of rates: 1..60 minutes, or whole hours up to 1440 (a day)."
    intervalMinutes: Int = 5
    "The window ending now: 1..24 hours for subscriptions, up to 2160 (90 days) for queries."
    durationHours: Int = 24
  }

  enum EvaluationDimension { FEATURE ENVIRONMENT CLIENT VARIANT REASON }

  input EvaluationBreakdownInput {
    ${WHOSE}
    by: EvaluationDimension!
    "The window ending now, 1..2160 hours."
    durationHours: Int = 24
  }

  "Evaluations of one feature, environment, client, variant or reason in the window."
  type EvaluationGroup {
    dimension: EvaluationDimension!
    "The feature key, environment id, client id, variant or reason; null for no variant / an unknown client."
    key: String
    "The environment's key or the client's name (null otherwise, or when it was deleted)."
    label: String
    evaluationCount: Int!
    successCount: Int!
    successRate: Float
    cacheHitRate: Float
    "Share of the window's evaluations (0..1)."
    share: Float!
    "Start of the last minute with an evaluation."
    lastEvaluatedAt: DateTime!
  }

  type EvaluationDistributions {
    byFeature: [EvaluationGroup!]!
    byEnvironment: [EvaluationGroup!]!
    byClient: [EvaluationGroup!]!
    byVariant: [EvaluationGroup!]!
    byReason: [EvaluationGroup!]!
  }

  "Everything the evaluation dashboard shows, in one payload."
  type EvaluationDashboard {
    generatedAt: DateTime!
    from: DateTime!
    to: DateTime!
    teamId: ID!
    "The environment read (null for a whole team)."
    environmentId: ID
    environmentKey: String
    intervalMinutes: Int!
    summary: EvaluationSummary!
    rates: [EvaluationRate!]!
    "The 5 most evaluated features."
    topFeatures: [EvaluationGroup!]!
    distributions: EvaluationDistributions!
  }

  extend type Query {
    "The evaluation dashboard over a window of up to 90 days. Team members."
    evaluationDashboard(input: EvaluationDashboardInput!): EvaluationDashboard!
    "Evaluations grouped by feature, environment, client, variant or reason, most evaluated first."
    evaluationBreakdown(input: EvaluationBreakdownInput!): [EvaluationGroup!]!
  }

  extend type Subscription {
    "Time-bucketed evaluation rates: the first payload at once, then when new counts land and at least every 30 s."
    evaluationRates(input: EvaluationRatesInput!): [EvaluationRate!]!
    "Aggregated statistics, pushed like evaluationRates."
    evaluationSummary(input: EvaluationSummaryInput!): EvaluationSummary!
    "Summary, rates, top features and distributions in one payload, pushed like evaluationRates."
    evaluationDashboard(input: EvaluationDashboardInput!): EvaluationDashboard!
  }
`;

const DIMENSION_OF: Record<string, Dimension> = {
  FEATURE: "feature", ENVIRONMENT: "environment", CLIENT: "client", VARIANT: "variant", REASON: "reason",
};
const rate = (part: number, total: number) => (total === 0 ? null : part / total);

/** A subscription field: subscribe returns the payloads, resolve passes each one on. */
const live = <T>(subscribe: typeof subscribeEvaluationRates) => ({
  subscribe: async (_parent: unknown, args: { input: AnalyticsInput }, ctx: ControlContext) =>
    subscribe(ctx.deps, await ctx.principal(), args.input, { signal: ctx.request.signal }),
  resolve: (payload: T) => payload,
});

export const resolvers = {
  Query: {
    evaluationDashboard: async (_p: unknown, args: { input: AnalyticsInput }, ctx: ControlContext) =>
      evaluationDashboard(ctx.deps, await ctx.principal(), args.input),
    evaluationBreakdown: async (_p: unknown, args: { input: AnalyticsInput & { by: string } }, ctx: ControlContext) =>
      evaluationBreakdown(ctx.deps, await ctx.principal(), { ...args.input, by: DIMENSION_OF[args.input.by]! }),
  },
  Subscription: {
    evaluationRates: live(subscribeEvaluationRates),
    evaluationSummary: live(subscribeEvaluationSummary as unknown as typeof subscribeEvaluationRates),
    evaluationDashboard: live(subscribeEvaluationDashboard as unknown as typeof subscribeEvaluationRates),
  },
  EvaluationGroup: {
    dimension: (group: EvaluationGroup) => group.dimension.toUpperCase(),
    evaluationCount: (group: EvaluationGroup) => group.evaluations,
    successCount: (group: EvaluationGroup) => group.evaluations - group.errors,
    successRate: (group: EvaluationGroup) => rate(group.evaluations - group.errors, group.evaluations),
    cacheHitRate: (group: EvaluationGroup) => rate(group.cacheHits, group.evaluations),
  },
  EvaluationDashboard: {
    environmentId: (dashboard: EvaluationDashboard) => dashboard.environment?.id ?? null,
    environmentKey: (dashboard: EvaluationDashboard) => dashboard.environment?.key ?? null,
    distributions: (dashboard: EvaluationDashboard) => ({
      byFeature: dashboard.distributions.feature,
      byEnvironment: dashboard.distributions.environment,
      byClient: dashboard.distributions.client,
      byVariant: dashboard.distributions.variant,
      byReason: dashboard.distributions.reason,
    }),
  },
} as unknown as ModuleResolvers;
