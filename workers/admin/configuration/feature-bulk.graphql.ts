// Bulk archive (with the dependency confirmation), export and import of a team's features. Thin: the rules
// live in services/bulk-actions.ts (next to bulkUpdateFeatures).
import { bulkArchiveFeatures, exportFeatures } from "./bulk-actions";
import { importFeatures } from "./feature-import";
import type { ModuleResolvers } from "../graphql/module";

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

  enum FeatureImportStatus { CREATED SKIPPED FAILED }

  type FeatureImportError { code: String! message: String! }

  type FeatureImportOutcome {
    key: String!
    "CREATED; SKIPPED: the key exists in the team (never overwritten); FAILED: see error."
    status: FeatureImportStatus!
    featureId: ID
    error: FeatureImportError
    "What was not restored and why (prerequisites, a protected environment's rules, the bucketing salt)."
    notes: [String!]!
  }

  type FeatureImportResult {
    created: Int!
    skipped: Int!
    failed: Int!
    results: [FeatureImportOutcome!]!
  }

  extend type Mutation {
    """
    Creates the features of an exportFeatures document (up to 100) that the team does not have yet,
    on the given pipeline, through the ordinary services: variants, prerequisites by key, and per
    environment (by key) default/off variants and rules. Deploy states are not restored (features
    start NOT_DEPLOYED); a protected environment's rules need an approved request (noted).
    """
    importFeatures(teamId: ID!, pipelineId: ID!, document: JSON!): FeatureImportResult!
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
    importFeatures: async (_p, args: { teamId: string; pipelineId: string; document: unknown }, ctx) =>
      importFeatures(ctx.deps, await ctx.principal(), { ...args }),
    bulkArchiveFeatures: async (_p, args: { teamId: string; featureIds: string[]; confirmDependents?: boolean | null; freezeOverrideReason?: string | null }, ctx) =>
      bulkArchiveFeatures(ctx.deps, await ctx.principal(), {
        teamId: args.teamId, featureIds: args.featureIds, confirmDependents: args.confirmDependents ?? false,
        freezeOverrideReason: args.freezeOverrideReason,
      }),
  },
};
