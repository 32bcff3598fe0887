// Feature versions (list, diff, roll back) and the team's audit log.
import { listAuditLog } from "../governance/audit-log";
import { diffFeatureVersions, listFeatureVersions, rollbackFeatureToVersion } from "./versions";
import { withoutNulls } from "../graphql/inputs";
import type { ModuleResolvers } from "../graphql/module";

export const typeDefs = /* GraphQL */ `
  "A committed state of a feature: every change to it writes the next version."
  type FeatureVersion {
    featureId: ID!
    version: Int!
    summary: String!
    "create, update, rollback, kill_switch or schedule."
    source: String!
    "Null for changes made by the system (automatic rollbacks, scheduled changes)."
    actorId: ID
    createdAt: DateTime!
    "Metadata, variants, stages with rules, prerequisites."
    snapshot: JSON!
  }

  type FeatureVersionConnection {
    nodes: [FeatureVersion!]!
    pageInfo: PageInfo!
  }

  "One changed value between two versions; path like stages[production].rules[<id>].serve.percentage."
  type VersionDiffEntry {
    path: String!
    before: JSON
    after: JSON
  }

  type VersionRollbackResult {
    "The new version when applied at once."
    version: Int
    "The approval request when a policy covers an affected environment."
    request: ApprovalRequest
  }

  type AuditEntry {
    id: ID!
    actorId: ID
    "A username, or system."
    actorName: String!
    action: String!
    entityType: String!
    entityId: ID!
    "{ before, after }"
    diff: JSON!
    reason: String
    createdAt: DateTime!
  }

  type AuditEntryConnection {
    nodes: [AuditEntry!]!
    pageInfo: PageInfo!
  }

  extend type Query {
    featureVersions(featureId: ID!, first: Int = 25, after: String): FeatureVersionConnection!
    diffFeatureVersions(featureId: ID!, from: Int!, to: Int!): [VersionDiffEntry!]!
    "Newest first. Team members."
    auditLog(teamId: ID!, entityType: String, entityId: ID, first: Int = 25, after: String): AuditEntryConnection!
  }

  extend type Mutation {
    """
    Restores the version's configuration (metadata, variants, stage rules and default/off variants,
    prerequisites) as a new version. Deploy states and the kill switch are left as they are.
    Approval-gated where a policy covers an affected environment.
    """
    rollbackFeatureToVersion(featureId: ID!, version: Int!, comment: String, freezeOverrideReason: String): VersionRollbackResult!
  }
`;

export const resolvers: ModuleResolvers = {
  Query: {
    featureVersions: async (_p, args: { featureId: string; first?: number; after?: string }, ctx) =>
      listFeatureVersions(ctx.deps, await ctx.principal(), args.featureId, args),
    diffFeatureVersions: async (_p, args: Record<string, unknown>, ctx) => diffFeatureVersions(ctx.deps, await ctx.principal(), args),
    auditLog: async (_p, args: { teamId: string; entityType?: string | null; entityId?: string | null; first?: number; after?: string }, ctx) =>
      listAuditLog(ctx.deps, await ctx.principal(), args.teamId, args, args),
  },
  Mutation: {
    rollbackFeatureToVersion: async (_p, args: Record<string, unknown>, ctx) =>
      rollbackFeatureToVersion(ctx.deps, await ctx.principal(), withoutNulls(args)),
  },
};
