// Contexts: attribute dictionaries for the admin app's pickers (team admins).
import { createContext, deleteContext, getContext, listContexts, updateContext } from "./contexts";
import { withoutNulls } from "../graphql/inputs";
import type { ModuleResolvers } from "../graphql/module";

export const typeDefs = /* GraphQL */ `
  enum AttributeType {
    string
    number
    boolean
    date
    semver
    string_list
  }

  type ContextAttribute {
    name: String!
    type: AttributeType!
    description: String
    "Suggested values."
    values: [String!]
  }

  "A dictionary of the attributes an application sends in its evaluation context."
  type Context {
    id: ID!
    teamId: ID!
    key: String!
    description: String!
    attributes: [ContextAttribute!]!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type ContextConnection {
    nodes: [Context!]!
    pageInfo: PageInfo!
  }

  input ContextAttributeInput {
    name: String!
    type: AttributeType!
    description: String
    values: [String!]
  }

  input CreateContextInput {
    teamId: ID!
    key: String!
    description: String
    attributes: [ContextAttributeInput!]
  }

  input UpdateContextInput {
    id: ID!
    key: String
    description: String
    "Replaces the attributes."
    attributes: [ContextAttributeInput!]
  }

  extend type Query {
    "Team members."
    context(id: ID!): Context!
    "Team members; ordered by key."
    contexts(teamId: ID!, first: Int = 25, after: String): ContextConnection!
  }

  extend type Mutation {
    "Team admins."
    createContext(input: CreateContextInput!): Context!
    "Team admins."
    updateContext(input: UpdateContextInput!): Context!
    "Team admins. Returns the deleted context."
    deleteContext(id: ID!): Context!
  }
`;

/** GraphQL enum names cannot contain "[]". */
const toAttributes = (input: Record<string, unknown>) => {
  const out = withoutNulls(input);
  if (Array.isArray(out.attributes)) {
    out.attributes = out.attributes.map((a: Record<string, unknown>) => withoutNulls({ ...a, type: a.type === "string_list" ? "string[]" : a.type }));
  }
  return out;
};

export const resolvers: ModuleResolvers = {
  Query: {
    context: async (_p, args: { id: string }, ctx) => getContext(ctx.deps, await ctx.principal(), args.id),
    contexts: async (_p, args: { teamId: string; first?: number; after?: string }, ctx) =>
      listContexts(ctx.deps, await ctx.principal(), args.teamId, args),
  },
  Mutation: {
    createContext: async (_p, args: { input: Record<string, unknown> }, ctx) =>
      createContext(ctx.deps, await ctx.principal(), toAttributes(args.input)),
    updateContext: async (_p, args: { input: Record<string, unknown> }, ctx) =>
      updateContext(ctx.deps, await ctx.principal(), toAttributes(args.input)),
    deleteContext: async (_p, args: { id: string }, ctx) => deleteContext(ctx.deps, await ctx.principal(), args.id),
  },
  ContextAttribute: {
    type: (attribute: { type: string }) => (attribute.type === "string[]" ? "string_list" : attribute.type),
  },
};
