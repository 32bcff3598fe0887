// Users: the User type, user administration (system admins) and self-service.
import { teamMemberships, users } from "../../../db/schema";
import type { Membership } from "./memberships";
import { userView, type UserView } from "./user-rows";
import {
  createUser, disableUser, getUser, listUsers, setTemporaryPassword, updateUser,
} from "./users";
import { defineLoader, manyByKey, oneByKey } from "../graphql/loaders";
import type { ModuleResolvers } from "../graphql/module";
import { withoutNulls } from "../graphql/inputs";
import { inIds } from "../core/sql-in";

export const typeDefs = /* GraphQL */ `
  "A person who can sign in. Visible to system admins, to the user, and to members of a shared team."
  type User {
    id: ID!
    username: String!
    email: String!
    displayName: String!
    isSystemAdmin: Boolean!
    enabled: Boolean!
    "A temporary password is pending: only changePassword, logout and me are allowed until it is changed."
    mustChangePassword: Boolean!
    lastLoginAt: DateTime
    createdAt: DateTime!
    updatedAt: DateTime!
    "The user's teams the caller can see (all for system admins and the user)."
    memberships: [Membership!]!
  }

  type UserConnection {
    nodes: [User!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  input CreateUserInput {
    "2-64 characters: letters, digits, '.', '_', '-' (stored lower-case)."
    username: String!
    email: String!
    displayName: String
    "Must be changed at first login (PASSWORD_CHANGE_REQUIRED until then). Without it the user cannot log in yet."
    temporaryPassword: String
    isSystemAdmin: Boolean
  }

  "Users may change their own email and displayName; everything else needs a system admin."
  input UpdateUserInput {
    username: String
    email: String
    displayName: String
    isSystemAdmin: Boolean
    enabled: Boolean
  }

  extend type Query {
    "System admin: every user, by username."
    users(first: Int = 25, after: String): UserConnection!
    "NOT_FOUND unless the caller is a system admin, the user, or shares a team with the user."
    user(id: ID!): User!
  }

  extend type Mutation {
    "System admin."
    createUser(input: CreateUserInput!): User!
    "System admin, or the user for email and displayName."
    updateUser(id: ID!, input: UpdateUserInput!): User!
    "System admin: the user must change it at next login; ends the user's sessions."
    setTemporaryPassword(id: ID!, temporaryPassword: String!): User!
    "System admin: the user can no longer log in; ends the user's sessions."
    disableUser(id: ID!): User!
  }
`;

/** Users by id, for resolvers that hold a user id (memberships, audit actors). */
export const userById = defineLoader<string, UserView | null>("userById", async (deps, ids) => {
  const rows = await deps.db.select().from(users).where(inIds(users.id, ids));
  return oneByKey(ids, rows.map(userView), (user) => user.id);
});

export const membershipsByUser = defineLoader<string, Membership[]>("membershipsByUser", async (deps, ids) => {
  const rows = await deps.db.select().from(teamMemberships).where(inIds(teamMemberships.userId, ids));
  return manyByKey(ids, rows, (row) => row.userId);
});

export const resolvers: ModuleResolvers = {
  Query: {
    users: async (_parent, args: { first?: number; after?: string }, ctx) => listUsers(ctx.deps, await ctx.principal(), args),
    user: async (_parent, args: { id: string }, ctx) => getUser(ctx.deps, await ctx.principal(), args.id),
  },
  Mutation: {
    createUser: async (_parent, args: { input: Record<string, unknown> }, ctx) =>
      createUser(ctx.deps, await ctx.principal(), withoutNulls(args.input) as Parameters<typeof createUser>[2]),
    updateUser: async (_parent, args: { id: string; input: Record<string, unknown> }, ctx) =>
      updateUser(ctx.deps, await ctx.principal(), args.id, withoutNulls(args.input)),
    setTemporaryPassword: async (_parent, args: { id: string; temporaryPassword: string }, ctx) =>
      setTemporaryPassword(ctx.deps, await ctx.principal(), args.id, args.temporaryPassword),
    disableUser: async (_parent, args: { id: string }, ctx) => disableUser(ctx.deps, await ctx.principal(), args.id),
  },
  User: {
    memberships: async (user: UserView, _args, ctx) => {
      const principal = await ctx.principal({ allowPendingPasswordChange: true });
      const all = await ctx.loader(membershipsByUser).load(user.id);
      if (principal.isSystemAdmin || principal.userId === user.id) return all;
      return all.filter((membership) => principal.memberships.has(membership.teamId));
    },
  },
};
