// Identity: first-run bootstrap, sessions (login, refresh, logout), password change, the caller
// (`me`) and signing-key rotation.
import { bootstrapAdmin, needsBootstrap, type BootstrapInput } from "../../services/bootstrap";
import type { ModuleResolvers } from "../module";
import { userById } from "./users";

export const typeDefs = /* GraphQL */ `
  type BootstrapStatus {
    "True while no system admin exists: bootstrapAdmin is open to anyone."
    needsBootstrap: Boolean!
  }

  input BootstrapAdminInput {
    username: String!
    email: String!
    displayName: String
    "At least 12 characters."
    password: String!
  }

  extend type Query {
    bootstrapStatus: BootstrapStatus!
  }

  extend type Mutation {
    "Creates the first system admin. Anonymous, and only while no system admin exists (then FORBIDDEN)."
    bootstrapAdmin(input: BootstrapAdminInput!): User!
  }
`;

export const resolvers: ModuleResolvers = {
  Query: {
    bootstrapStatus: async (_parent, _args, ctx) => ({ needsBootstrap: await needsBootstrap(ctx.deps) }),
  },
  Mutation: {
    bootstrapAdmin: async (_parent, args: { input: BootstrapInput }, ctx) => {
      const id = await bootstrapAdmin(ctx.deps, args.input);
      return ctx.loader(userById).load(id);
    },
  },
};
