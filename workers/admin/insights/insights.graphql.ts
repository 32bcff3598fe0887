// Insights and bulk actions over a team's features: dependency impact, the approvals awaiting the
// caller's vote, and bulk bookkeeping edits. Thin: the rules live in services/insights.ts and
// services/bulk-actions.ts.
import { bulkUpdateFeatures } from "../configuration/bulk-actions";
import { featureDependencyImpact, pendingApprovalsFor } from "./insights";
import type { ModuleResolvers } from "../graphql/module";

export const typeDefs = /* GraphQL */ `
  type DeployedEnvironment {
    environmentId: ID!
    environmentKey: String!
  }

  "A feature whose prerequisites reach the inspected one."
  type FeatureDependent {
    featureId: ID!
    key: String!
    "1 = requires the inspected feature itself; 2 = requires a direct dependent; ... (shortest path)."
    depth: Int!
    "Keys of the features on the way to the inspected one (itself included) that this one requires."
    requires: [String!]!
    "Environments where this dependent is live (deployed, or a rollback still pending)."
    deployedIn: [DeployedEnvironment!]!
  }

  "What depends on a feature: changing or removing it affects these."
  type DependencyImpact {
    featureId: ID!
    key: String!
    direct: [FeatureDependent!]!
    transitive: [FeatureDependent!]!
  }

  "Bookkeeping actions; archiving is not one (it goes through the change guard, per feature: archiveFeature)."
  enum BulkFeatureAction { update_owner add_tags remove_tags set_lifecycle }

  type BulkFeatureOutcome {
    featureId: ID!
    ok: Boolean!
    "The error code when not ok (e.g. CONFLICT)."
    error: String
    message: String
    "The feature's version after the change."
    version: Int
  }

  type BulkFeatureResult {
    succeeded: Int!
    failed: Int!
    "One per distinct feature id, in the order given."
    results: [BulkFeatureOutcome!]!
  }

  extend type Query {
    "Direct and transitive dependents of the feature, with the environments where they are live."
    featureDependencyImpact(featureId: ID!): DependencyImpact!
    "Pending requests of the team the caller may vote on (eligible, not their own, not voted yet), oldest first."
    pendingApprovals(teamId: ID!): [ApprovalRequest!]!
  }

  extend type Mutation {
    """
    Applies one bookkeeping change to up to 100 features of the team, each as its own updateFeature
    (audit row, new version). Every id must be a feature of the team, else NOT_FOUND and nothing is
    written. owner: for update_owner (null clears it); tags: for add_tags / remove_tags; lifecycle:
    for set_lifecycle (not archived).
    """
    bulkUpdateFeatures(teamId: ID!, featureIds: [ID!]!, action: BulkFeatureAction!, owner: String, tags: [String!], lifecycle: Lifecycle): BulkFeatureResult!
  }
`;

export const resolvers: ModuleResolvers = {
  Query: {
    featureDependencyImpact: async (_p, args: { featureId: string }, ctx) =>
      featureDependencyImpact(ctx.deps, await ctx.principal(), args.featureId),
    pendingApprovals: async (_p, args: { teamId: string }, ctx) => pendingApprovalsFor(ctx.deps, await ctx.principal(), args.teamId),
  },
  Mutation: {
    bulkUpdateFeatures: async (_p, args: Record<string, unknown>, ctx) => bulkUpdateFeatures(ctx.deps, await ctx.principal(), args),
  },
};
