// Environments of a team (team admins change them; members read them).
import { asc } from "drizzle-orm";
import { environments } from "../../../db/schema";
import {
  createEnvironment, deleteEnvironment, getEnvironment, listEnvironments, updateEnvironment, type EnvironmentRow,
} from "./environments";
import { withoutNulls } from "../graphql/inputs";
import { defineLoader, manyByKey, oneByKey } from "../graphql/loaders";
import type { ModuleResolvers } from "../graphql/module";
import { inIds } from "../core/sql-in";

export const typeDefs = /* GraphQL */ `
  enum EnvironmentType {
    development
    staging
    production
  }

  "Where flags are evaluated; each client reaches exactly one environment."
  type Environment {
    id: ID!
    teamId: ID!
    "Unique per team, URL-safe."
    key: String!
    name: String!
    type: EnvironmentType!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type EnvironmentConnection {
    nodes: [Environment!]!
    pageInfo: PageInfo!
  }

  input CreateEnvironmentInput {
    teamId: ID!
    "1-50 characters: lowercase letters, digits, _ or -, starting with a letter."
    key: String!
    name: String!
    "Default development."
    type: EnvironmentType
  }

  input UpdateEnvironmentInput {
    id: ID!
    key: String
    name: String
    type: EnvironmentType
  }

  extend type Team {
    "The team's environments, ordered by key (batched across teams)."
    environments: [Environment!]!
  }

  extend type Query {
    "Team members."
    environment(id: ID!): Environment!
    "Team members; ordered by key."
    environments(teamId: ID!, first: Int = 25, after: String): EnvironmentConnection!
  }

  extend type Mutation {
    "Team admins."
    createEnvironment(input: CreateEnvironmentInput!): Environment!
    "Team admins."
    updateEnvironment(input: UpdateEnvironmentInput!): Environment!
    "Team admins. CONFLICT while feature stages, pipeline stages or clients use it. Returns the deleted environment."
    deleteEnvironment(id: ID!): Environment!
  }
`;

/** Environments by id, for parents already authorised (stages, clients, pipeline stages). */
export const environmentById = defineLoader<string, EnvironmentRow | null>("environmentById", async (deps, ids) => {
  const rows = await deps.db.select().from(environments).where(inIds(environments.id, ids));
  return oneByKey(ids, rows, (row) => row.id);
});

/** Every environment of each team, for Team parents the caller already sees. */
const environmentsByTeam = defineLoader<string, EnvironmentRow[]>("environmentsByTeam", async (deps, teamIds) => {
  const rows = await deps.db.select().from(environments).where(inIds(environments.teamId, teamIds)).orderBy(asc(environments.key));
  return manyByKey(teamIds, rows, (row) => row.teamId);
});

export const resolvers: ModuleResolvers = {
  Team: {
    environments: (team: { id: string }, _a, ctx) => ctx.loader(environmentsByTeam).load(team.id),
  },
  Query: {
    environment: async (_p, args: { id: string }, ctx) => getEnvironment(ctx.deps, await ctx.principal(), args.id),
    environments: async (_p, args: { teamId: string; first?: number; after?: string }, ctx) =>
      listEnvironments(ctx.deps, await ctx.principal(), args.teamId, args),
  },
  Mutation: {
    createEnvironment: async (_p, args: { input: Record<string, unknown> }, ctx) =>
      createEnvironment(ctx.deps, await ctx.principal(), withoutNulls(args.input)),
    updateEnvironment: async (_p, args: { input: Record<string, unknown> }, ctx) =>
      updateEnvironment(ctx.deps, await ctx.principal(), withoutNulls(args.input)),
    deleteEnvironment: async (_p, args: { id: string }, ctx) => deleteEnvironment(ctx.deps, await ctx.principal(), args.id),
  },
};
