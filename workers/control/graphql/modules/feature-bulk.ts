// Bulk archive (with the dependency confirmation) and export of a team's features. Thin: the rules
// live in services/bulk-actions.ts (next to bulkUpdateFeatures).
import { bulkArchiveFeatures, exportFeatures } from "../../services/bulk-actions";
import type { ModuleResolvers } from "../module";

export const typeDefs = /* GraphQL */ `
  extend type Query {
    """
    The features (all of the team's, at most 1000, when featureIds is omitted) as one JSON document
    { format: "fluxgate.features/v1", exportedAt, team, features: [{ key, name, type, description,
    lifecycle, owner, tags, salt, killSwitchActive, version, variants, prerequisites, stages: [{
    environmentKey, status, defaultVariant, offVariant, rules }] }] }, ordered by key.
    """
    exportFeatures(teamId: ID!, featureIds: [ID!]): JSON!
  }

  extend type Mutation {
    """
    Archives up to 100 features of the team, each as its own archiveFeature (change guard, audit
    row, version). CONFLICT (extensions.reason DEPENDENTS, the message lists them) while features
    outside the selection require a selected one, unless confirmDependents is true.
    """
    bulkArchiveFeatures(teamId: ID!, featureIds: [ID!]!, confirmDependents: Boolean, freezeOverrideReason: String): BulkFeatureResult!
  }
`;

export const resolvers: ModuleResolvers = {
  Query: {
    exportFeatures: async (_p, args: { teamId: string; featureIds?: string[] | null }, ctx) =>
      exportFeatures(ctx.deps, await ctx.principal(), { ...args }),
  },
  Mutation: {
    bulkArchiveFeatures: async (_p, args: { teamId: string; featureIds: string[]; confirmDependents?: boolean | null; freezeOverrideReason?: string | null }, ctx) =>
      bulkArchiveFeatures(ctx.deps, await ctx.principal(), {
        teamId: args.teamId, featureIds: args.featureIds, confirmDependents: args.confirmDependents ?? false,
        freezeOverrideReason: args.freezeOverrideReason,
      }),
  },
};
