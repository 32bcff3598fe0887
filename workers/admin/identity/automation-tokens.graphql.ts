// Automation tokens: team-scoped admin-API credentials for scripts and CI (team admins). The token
// is only ever returned by createAutomationToken; a request bearing it (`Authorization: Bearer fga_…`)
// acts as a viewer (admin:read) or requester (flag:write) of that one team.
import {
  createAutomationToken, listAutomationTokens, revokeAutomationToken, type AutomationTokenRow,
} from "./automation-tokens";
import { withoutNulls } from "../graphql/inputs";
import type { ModuleResolvers } from "../graphql/module";

export const typeDefs = /* GraphQL */ `
  enum AutomationScope {
    "Queries only (acts as a viewer of the team)."
    admin_read
    "Feature, segment, rule and variant changes and stage workflow requests (acts as a requester)."
    flag_write
  }

  "A team's credential for the admin API; the token itself is never readable."
  type AutomationToken {
    id: ID!
    teamId: ID!
    name: String!
    scopes: [AutomationScope!]!
    "The token's first characters, to recognise it."
    tokenPrefix: String!
    expiresAt: DateTime!
    createdAt: DateTime!
    revokedAt: DateTime
    "Updated at most once a minute."
    lastUsedAt: DateTime
  }

  "A new automation token with its secret: shown this once, only its hash is stored."
  type AutomationTokenSecret {
    automationToken: AutomationToken!
    token: String!
  }

  type AutomationTokenConnection {
    nodes: [AutomationToken!]!
    pageInfo: PageInfo!
  }

  input CreateAutomationTokenInput {
    teamId: ID!
    name: String!
    scopes: [AutomationScope!]!
    "Required; at most one year ahead."
    expiresAt: DateTime!
  }

  extend type Query {
    "Team admins; ordered by name (never the token)."
    automationTokens(teamId: ID!, first: Int = 25, after: String): AutomationTokenConnection!
  }

  extend type Mutation {
    "Team admins. Returns the token once."
    createAutomationToken(input: CreateAutomationTokenInput!): AutomationTokenSecret!
    "Team admins. The token stops working at once."
    revokeAutomationToken(id: ID!): AutomationToken!
  }
`;

export const resolvers: ModuleResolvers = {
  Query: {
    automationTokens: async (_p, args: { teamId: string; first?: number; after?: string }, ctx) =>
      listAutomationTokens(ctx.deps, await ctx.principal(), args.teamId, args),
  },
  Mutation: {
    createAutomationToken: async (_p, args: { input: Record<string, unknown> }, ctx) =>
      createAutomationToken(ctx.deps, await ctx.principal(), toServiceInput(withoutNulls(args.input))),
    revokeAutomationToken: async (_p, args: { id: string }, ctx) => revokeAutomationToken(ctx.deps, await ctx.principal(), args.id),
  },
  AutomationToken: {
    scopes: (row: AutomationTokenRow) => row.scopes.map((scope) => scope.replace(":", "_")),
  },
};

// GraphQL enum values cannot hold ':'; the stored scopes are the wire names `admin:read`, `flag:write`.
function toServiceInput(input: Record<string, unknown>): Record<string, unknown> {
  const { scopes } = input;
  return Array.isArray(scopes) ? { ...input, scopes: scopes.map((scope) => String(scope).replace("_", ":")) } : input;
}
