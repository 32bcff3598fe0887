// Clients: evaluation credentials bound to one environment (team admins). The secret is only ever
// returned by createClient and rotateClientSecret.
import {
  createClient, deleteClient, getClient, listClients, rotateClientSecret, updateClient, type ClientRow,
} from "./clients";
import { withoutNulls } from "../graphql/inputs";
import type { ModuleResolvers } from "../graphql/module";
import { environmentById } from "./environments.graphql";

export const typeDefs = /* GraphQL */ `
  enum ClientKind {
    "Back-end applications; refused from browsers."
    server
    "Browser applications; restricted to webOrigins."
    web
  }

  "An application's credential for evaluation (OFREP); reaches exactly one environment."
  type Client {
    id: ID!
    teamId: ID!
    environment: Environment!
    name: String!
    description: String!
    kind: ClientKind!
    "The secret's first characters, to recognise it; the secret itself is never readable."
    secretPrefix: String!
    "web clients: the origins browsers may call from (scheme://host[:port])."
    webOrigins: [String!]!
    enabled: Boolean!
    createdAt: DateTime!
    rotatedAt: DateTime
  }

  "A client with its secret: shown this once, only its hash is stored."
  type ClientSecret {
    client: Client!
    secret: String!
  }

  type ClientConnection {
    nodes: [Client!]!
    pageInfo: PageInfo!
  }

  input CreateClientInput {
    teamId: ID!
    "An environment of the same team."
    environmentId: ID!
    name: String!
    description: String
    "Default server."
    kind: ClientKind
    webOrigins: [String!]
  }

  input UpdateClientInput {
    id: ID!
    name: String
    description: String
    enabled: Boolean
    "Replaces the origins (web clients)."
    webOrigins: [String!]
  }

  extend type Query {
    "Team members (never the secret)."
    client(id: ID!): Client!
    "Team members; ordered by name."
    clients(teamId: ID!, first: Int = 25, after: String): ClientConnection!
  }

  extend type Mutation {
    "Team admins. Returns the secret once."
    createClient(input: CreateClientInput!): ClientSecret!
    "Team admins. Returns the new secret once; the old one stops working."
    rotateClientSecret(id: ID!): ClientSecret!
    "Team admins."
    updateClient(input: UpdateClientInput!): Client!
    "Team admins. Evaluation refuses a disabled client (403)."
    disableClient(id: ID!): Client!
    "Team admins."
    enableClient(id: ID!): Client!
    "Team admins. Its secret stops working. Returns the deleted client."
    deleteClient(id: ID!): Client!
  }
`;

export const resolvers: ModuleResolvers = {
  Query: {
    client: async (_p, args: { id: string }, ctx) => getClient(ctx.deps, await ctx.principal(), args.id),
    clients: async (_p, args: { teamId: string; first?: number; after?: string }, ctx) =>
      listClients(ctx.deps, await ctx.principal(), args.teamId, args),
  },
  Mutation: {
    createClient: async (_p, args: { input: Record<string, unknown> }, ctx) => createClient(ctx.deps, await ctx.principal(), withoutNulls(args.input)),
    rotateClientSecret: async (_p, args: { id: string }, ctx) => rotateClientSecret(ctx.deps, await ctx.principal(), args.id),
    updateClient: async (_p, args: { input: Record<string, unknown> }, ctx) => updateClient(ctx.deps, await ctx.principal(), withoutNulls(args.input)),
    disableClient: async (_p, args: { id: string }, ctx) => updateClient(ctx.deps, await ctx.principal(), { id: args.id, enabled: false }),
    enableClient: async (_p, args: { id: string }, ctx) => updateClient(ctx.deps, await ctx.principal(), { id: args.id, enabled: true }),
    deleteClient: async (_p, args: { id: string }, ctx) => deleteClient(ctx.deps, await ctx.principal(), args.id),
  },
  Client: {
    environment: (client: ClientRow, _a, ctx) => ctx.loader(environmentById).load(client.environmentId),
  },
};
