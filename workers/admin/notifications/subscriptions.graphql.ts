// Subscriptions (graphql-yoga over Server-Sent Events, its default transport: POST or GET /graphql
// with `Accept: text/event-stream`). Fed by the environment objects (services/subscriptions.ts).
import {
  approvalRequestById, approvalRequestChanges, featureById, featureChanges, featuresByKeys, killSwitchChanges,
  type ApprovalRequestChange, type FeatureChange, type KillSwitchChange,
} from "./subscriptions";
import type { ControlContext } from "../graphql/context";
import type { ModuleResolvers } from "../graphql/module";

export const typeDefs = /* GraphQL */ `
  "Live changes, over Server-Sent Events (Accept: text/event-stream). Authorised when they start, like queries."
  type Subscription {
    "Every new published version of the environment's flags. Members of the environment's team."
    featureChanges(environmentId: ID!): FeatureChange!
    "Kill switches engaged or released in the team (once per change, whatever the number of environments)."
    killSwitchChanges(teamId: ID!): KillSwitchChange!
    "Approval requests of the team created or changing status (pending, approved, applied, rejected, cancelled, invalidated)."
    approvalRequests(teamId: ID!): ApprovalRequestChange!
  }

  type FeatureChange {
    environmentId: ID!
    "The new snapshot version."
    version: Int!
    "Keys of the flags this version added, changed or removed (empty when resynced)."
    flagKeys: [String!]!
    "True when the feed reconnected and found versions it missed: re-read everything."
    resynced: Boolean!
    at: DateTime!
    "The team's features behind flagKeys (a removed flag has none)."
    features: [Feature!]!
  }

  type KillSwitchChange {
    featureId: ID!
    featureKey: String!
    "True when engaged (the feature is DISABLED everywhere), false when released."
    engaged: Boolean!
    rollbackAt: DateTime
    at: DateTime!
    feature: Feature
  }

  type ApprovalRequestChange {
    requestId: ID!
    featureId: ID!
    featureKey: String!
    environmentId: ID!
    status: String!
    at: DateTime!
    request: ApprovalRequest
  }
`;

/** Yoga's subscription field shape: subscribe returns the async iterator, resolve maps each payload. */
const field = <T>(subscribe: (args: Record<string, string>, ctx: ControlContext) => Promise<AsyncIterableIterator<T>>) => ({
  subscribe: (_parent: unknown, args: Record<string, string>, ctx: ControlContext) => subscribe(args, ctx),
  resolve: (payload: T) => payload,
});

export const resolvers = {
  Subscription: {
    featureChanges: field(async (args, ctx) =>
      featureChanges(ctx.deps, await ctx.principal(), args.environmentId!, ctx.request.signal)),
    killSwitchChanges: field(async (args, ctx) =>
      killSwitchChanges(ctx.deps, await ctx.principal(), args.teamId!, ctx.request.signal)),
    approvalRequests: field(async (args, ctx) =>
      approvalRequestChanges(ctx.deps, await ctx.principal(), args.teamId!, ctx.request.signal)),
  },
  FeatureChange: {
    features: (change: FeatureChange, _args: unknown, ctx: ControlContext) => featuresByKeys(ctx.deps, change.teamId, change.flagKeys),
  },
  KillSwitchChange: {
    feature: (change: KillSwitchChange, _args: unknown, ctx: ControlContext) => featureById(ctx.deps, change.featureId),
  },
  ApprovalRequestChange: {
    request: (change: ApprovalRequestChange, _args: unknown, ctx: ControlContext) => approvalRequestById(ctx.deps, change.requestId),
  },
} as unknown as ModuleResolvers;
