// Custom roles: a team's named member groups, usable by approval policies as approver sets. They
// grant no permission (docs/ROLES.md). Thin: services/custom-roles.ts.
import {
  assignCustomRole, createCustomRole, customRolesOfPolicies, deleteCustomRole, listCustomRoles, setApprovalPolicyCustomRoles,
  unassignCustomRole, updateCustomRole, type CustomRole,
} from "./custom-roles";
import type { PolicyRow } from "./governance";
import { defineLoader } from "../graphql/loaders";
import type { ModuleResolvers } from "../graphql/module";

export const typeDefs = /* GraphQL */ `
  "A team's named group of members. It grants no permission; approval policies name it to make its members eligible approvers."
  type CustomRole {
    id: ID!
    teamId: ID!
    name: String!
    description: String!
    "Member user ids, sorted."
    memberIds: [ID!]!
    createdAt: DateTime!
  }

  input CreateCustomRoleInput { teamId: ID! name: String! description: String }
  input UpdateCustomRoleInput { id: ID! name: String description: String }

  extend type ApprovalPolicy {
    "Custom roles whose members (current, enabled members of the team) are eligible approvers, besides eligibleRoles and eligibleUserIds."
    eligibleCustomRoles: [CustomRole!]!
  }

  extend type Query {
    "The team's custom roles by name."
    customRoles(teamId: ID!): [CustomRole!]!
  }

  extend type Mutation {
    createCustomRole(input: CreateCustomRoleInput!): CustomRole!
    updateCustomRole(input: UpdateCustomRoleInput!): CustomRole!
    "Also removes the role from every policy naming it."
    deleteCustomRole(id: ID!): CustomRole!
    "Adds a member of the role's team (idempotent)."
    assignCustomRole(roleId: ID!, userId: ID!): CustomRole!
    unassignCustomRole(roleId: ID!, userId: ID!): CustomRole!
    "Replaces the custom roles the policy makes eligible (roles of the policy's team)."
    setApprovalPolicyCustomRoles(policyId: ID!, roleIds: [ID!]!): ApprovalPolicy!
  }
`;

const policyRoles = defineLoader<string, CustomRole[]>("policyCustomRoles", async (deps, policyIds) => {
  const byPolicy = await customRolesOfPolicies(deps, policyIds);
  return policyIds.map((id) => byPolicy.get(id) ?? []);
});

export const resolvers: ModuleResolvers = {
  ApprovalPolicy: {
    eligibleCustomRoles: (policy: PolicyRow, _args, ctx) => ctx.loader(policyRoles).load(policy.id),
  },
  Query: {
    customRoles: async (_p, args: { teamId: string }, ctx) => listCustomRoles(ctx.deps, await ctx.principal(), args.teamId),
  },
  Mutation: {
    createCustomRole: async (_p, args: { input: Record<string, unknown> }, ctx) => createCustomRole(ctx.deps, await ctx.principal(), withoutNulls(args.input)),
    updateCustomRole: async (_p, args: { input: Record<string, unknown> }, ctx) => updateCustomRole(ctx.deps, await ctx.principal(), withoutNulls(args.input)),
    deleteCustomRole: async (_p, args: { id: string }, ctx) => deleteCustomRole(ctx.deps, await ctx.principal(), args.id),
    assignCustomRole: async (_p, args: { roleId: string; userId: string }, ctx) => assignCustomRole(ctx.deps, await ctx.principal(), { ...args }),
    unassignCustomRole: async (_p, args: { roleId: string; userId: string }, ctx) => unassignCustomRole(ctx.deps, await ctx.principal(), { ...args }),
    setApprovalPolicyCustomRoles: async (_p, args: { policyId: string; roleIds: string[] }, ctx) =>
      setApprovalPolicyCustomRoles(ctx.deps, await ctx.principal(), { ...args }),
  },
};

function withoutNulls(input: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null));
}
