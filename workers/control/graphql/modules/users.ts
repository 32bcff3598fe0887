// Users: the User type and user administration (system admins), self-service reads.
import { inArray } from "drizzle-orm";
import { users } from "../../../../db/schema";
import { userView, type UserView } from "../../services/user-rows";
import { defineLoader, oneByKey } from "../loaders";
import type { ModuleResolvers } from "../module";

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
  }
`;

/** Users by id, for resolvers that hold a user id (memberships, audit actors). */
export const userById = defineLoader<string, UserView | null>("userById", async (deps, ids) => {
  const rows = await deps.db.select().from(users).where(inArray(users.id, [...ids]));
  return oneByKey(ids, rows.map(userView), (user) => user.id);
});

export const resolvers: ModuleResolvers = {};
