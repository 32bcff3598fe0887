// Activity and system analytics of a team (the original's audit-analytics, /activity/recent,
// /metrics/evaluations/system and /metrics/feature-growth): auditAnalytics, recentActivity,
// systemMetrics, featureGrowth. Members of the team read; others get NOT_FOUND. Each costs one D1
// round trip after authentication (services/activity/*).
import { auditAnalytics, MAX_WINDOW_DAYS, TOP_FEATURES, type AuditAnalyticsArgs } from "./activity/audit-analytics";
import { featureGrowth, MAX_GROWTH_BUCKETS } from "./activity/feature-growth";
import { MAX_ACTION_FILTERS, recentActivity, type ActivityFilter } from "./activity/recent-activity";
import { systemMetrics } from "./activity/system-metrics";
import type { BucketInterval } from "./activity/utc-buckets";
import type { PageArgs } from "../core/pagination";
import type { ModuleResolvers } from "../graphql/module";

export const typeDefs = /* GraphQL */ `
  type ActionCount { action: String! count: Int! }
  type ActorCount {
    "Null for the system (alarms, scheduled changes)."
    actorId: ID
    "The actor's display name (else username) now; the recorded name for the system or deleted users."
    actorName: String!
    count: Int!
  }
  type EnvironmentChangeCount {
    environmentId: ID!
    "Null when the environment was deleted since."
    environmentKey: String
    environmentName: String
    count: Int!
  }
  type DayCount { "00:00 UTC of the day." day: DateTime! count: Int! }
  type FeatureChangeCount {
    featureId: ID!
    "Null when the feature was deleted since."
    featureKey: String
    featureName: String
    count: Int!
    lastChangedAt: DateTime!
  }

  "Audit trail figures over the last windowDays UTC days (today up to now included)."
  type AuditAnalytics {
    teamId: ID!
    from: DateTime!
    to: DateTime!
    windowDays: Int!
    totalChanges: Int!
    uniqueActors: Int!
    uniqueEntities: Int!
    "Most frequent first (ties: alphabetical)."
    byAction: [ActionCount!]!
    byActor: [ActorCount!]!
    "Changes of an environment or of something in one (stage, rule, client, approval request, schedule, freeze window, canary gate)."
    byEnvironment: [EnvironmentChangeCount!]!
    "Changes tied to no single environment (feature metadata, pipelines, members...)."
    teamWideChanges: Int!
    "Every day of the window, oldest first, zeros included."
    byDay: [DayCount!]!
    "The ${TOP_FEATURES} features with the most changes (to them, their stages, rules, variants, requests, schedules, gates)."
    mostChangedFeatures: [FeatureChangeCount!]!
  }

  type ActivityEnvironment { id: ID! key: String name: String }
  type ActivityFeature { id: ID! key: String name: String }

  type ActivityEntry {
    id: ID!
    action: String!
    entityType: String!
    entityId: String!
    "The entity's key or name (a stage: feature/environment)."
    entityLabel: String
    actorId: ID
    actorName: String!
    reason: String
    createdAt: DateTime!
    diff: JSON!
    "The environment the change concerns, if any."
    environment: ActivityEnvironment
    "The feature the change concerns, if any."
    feature: ActivityFeature
  }

  type ActivityEntryConnection { nodes: [ActivityEntry!]! pageInfo: PageInfo! }

  input ActivityFilter {
    "Any of these actions (at most ${MAX_ACTION_FILTERS})."
    actions: [String!]
    entityType: String
    entityId: String
    actorId: ID
    "Inclusive."
    from: DateTime
    "Exclusive."
    to: DateTime
  }

  type FeatureLifecycleCounts { draft: Int! active: Int! deprecated: Int! archived: Int! }

  type SystemMetrics {
    teamId: ID!
    now: DateTime!
    totalFeatures: Int!
    featuresByLifecycle: FeatureLifecycleCounts!
    "Enabled clients."
    activeClients: Int!
    totalClients: Int!
    environments: Int!
    "Since 00:00 UTC today."
    evaluationsToday: Int!
    "The previous UTC day."
    evaluationsYesterday: Int!
    "The last 7 UTC days, today included."
    totalEvaluations7d: Int!
    successfulEvaluations7d: Int!
    "successfulEvaluations7d / totalEvaluations7d; null without evaluations."
    successRate: Float
    pendingApprovals: Int!
    activeKillSwitches: Int!
  }

  enum GrowthInterval { DAY WEEK MONTH }

  type FeatureGrowthBucket {
    "The bucket's start, or from for the first."
    bucketStart: DateTime!
    "The next bucket's start, or to for the last."
    bucketEnd: DateTime!
    teamId: ID!
    teamName: String!
    "Features created in the bucket."
    featureCount: Int!
    "Features created before the bucket's end (those before from included)."
    cumulativeCount: Int!
  }

  extend type Query {
    "Audit figures of a team over windowDays (1..${MAX_WINDOW_DAYS}) UTC days; now defaults to the clock."
    auditAnalytics(teamId: ID!, windowDays: Int!, actorId: ID, action: String, environmentId: ID, now: DateTime): AuditAnalytics!
    "The team's audit trail, newest first, with what each change concerns."
    recentActivity(teamId: ID!, filter: ActivityFilter, first: Int, after: String): ActivityEntryConnection!
    "The team's overview cards; now defaults to the clock."
    systemMetrics(teamId: ID!, now: DateTime): SystemMetrics!
    "Features created per UTC day, week (from Monday) or calendar month in [from, to); at most ${MAX_GROWTH_BUCKETS} buckets."
    featureGrowth(teamId: ID!, from: DateTime!, to: DateTime!, interval: GrowthInterval!): [FeatureGrowthBucket!]!
  }
`;

export const resolvers: ModuleResolvers = {
  Query: {
    auditAnalytics: async (_p, args: AuditAnalyticsArgs, ctx) => auditAnalytics(ctx.deps, await ctx.principal(), args),
    recentActivity: async (_p, args: { teamId: string; filter?: ActivityFilter | null } & PageArgs, ctx) =>
      recentActivity(ctx.deps, await ctx.principal(), args.teamId, args.filter, args),
    systemMetrics: async (_p, args: { teamId: string; now?: Date | null }, ctx) => systemMetrics(ctx.deps, await ctx.principal(), args.teamId, args.now),
    featureGrowth: async (_p, args: { teamId: string; from: Date; to: Date; interval: BucketInterval }, ctx) =>
      featureGrowth(ctx.deps, await ctx.principal(), args),
  },
};
