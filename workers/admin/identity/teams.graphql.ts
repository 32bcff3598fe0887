// Teams and their members.
import { teams } from "../../../db/schema";
import { ANY_TEAM_ROLE, requireTeamRole } from "./authz";
import {
  addTeamMember, membersPages, removeTeamMember, setMemberRole, type Membership, type MembersPageKey,
} from "./memberships";
import { pageWindow } from "../core/pagination";
import { createTeam, deleteTeam, getTeam, listTeams, updateTeam, type TeamRow } from "./teams";
import { withoutNulls } from "../graphql/inputs";
import { defineLoader, oneByKey } from "../graphql/loaders";
import type { ModuleResolvers } from "../graphql/module";
import { userById } from "./users.graphql";
import { inIds } from "../core/sql-in";

export const typeDefs = /* GraphQL */ `
  "A tenant: it owns environments, features, clients... Visible to its members and system admins."
  type Team {
    id: ID!
    name: String!
    description: String!
    createdAt: DateTime!
    updatedAt: DateTime!
    "The caller's role here (null for a system admin who is not a member)."
    myRole: TeamRole
    members(first: Int = 25, after: String): MembershipConnection!
  }

  type TeamConnection {
    nodes: [Team!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  "Team Admin > Approver / Requester > Viewer (see docs/ROLES.md)."
  enum TeamRole {
    team_admin
    approver
    requester
    viewer
  }

  type Membership {
    team: Team!
    user: User!
    role: TeamRole!
    createdAt: DateTime!
  }

  type MembershipConnection {
    nodes: [Membership!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  input CreateTeamInput {
    name: String!
    description: String
  }

  input UpdateTeamInput {
    name: String
    description: String
  }

  input AddTeamMemberInput {
    teamId: ID!
    "The user's id, username or email."
    user: String!
    role: TeamRole!
  }

  extend type Query {
    "System admins see every team, others the teams they belong to."
    teams(first: Int = 25, after: String): TeamConnection!
    "NOT_FOUND for non-members."
    team(id: ID!): Team!
  }

  extend type Mutation {
    "System admin."
    createTeam(input: CreateTeamInput!): Team!
    "System admin or the team's admins."
    updateTeam(id: ID!, input: UpdateTeamInput!): Team!
    "System admin: deletes the team and everything it owns; its clients stop working at once."
    deleteTeam(id: ID!): Boolean!
    "System admin or the team's admins."
    addTeamMember(input: AddTeamMemberInput!): Membership!
    "System admin or the team's admins. A team keeps at least one team admin (CONFLICT)."
    setMemberRole(teamId: ID!, userId: ID!, role: TeamRole!): Membership!
    "System admin or the team's admins. A team keeps at least one team admin (CONFLICT)."
    removeTeamMember(teamId: ID!, userId: ID!): Boolean!
  }
`;

/** Teams by id (no authorisation: for parents already authorised, e.g. a visible membership). */
export const teamById = defineLoader<string, TeamRow | null>("teamById", async (deps, ids) => {
  const rows = await deps.db.select().from(teams).where(inIds(teams.id, ids));
  return oneByKey(ids, rows, (team) => team.id);
});

/** Member pages of many teams in one round trip (`teams { nodes { members { ... } } }`). */
const membersPage = defineLoader<MembersPageKey, Awaited<ReturnType<typeof membersPages>>[number]>("membersPage", membersPages);

export const resolvers: ModuleResolvers = {
  Query: {
    teams: async (_parent, args: { first?: number; after?: string }, ctx) => listTeams(ctx.deps, await ctx.principal(), args),
    team: async (_parent, args: { id: string }, ctx) => getTeam(ctx.deps, await ctx.principal(), args.id),
  },
  Mutation: {
    createTeam: async (_parent, args: { input: { name: string; description?: string | null } }, ctx) =>
      createTeam(ctx.deps, await ctx.principal(), withoutNulls(args.input) as { name: string }),
    updateTeam: async (_parent, args: { id: string; input: Record<string, unknown> }, ctx) =>
      updateTeam(ctx.deps, await ctx.principal(), args.id, withoutNulls(args.input)),
    deleteTeam: async (_parent, args: { id: string }, ctx) => {
      await deleteTeam(ctx.deps, await ctx.principal(), args.id);
      return true;
    },
    addTeamMember: async (_parent, args: { input: { teamId: string; user: string; role: Membership["role"] } }, ctx) =>
      addTeamMember(ctx.deps, await ctx.principal(), args.input),
    setMemberRole: async (_parent, args: { teamId: string; userId: string; role: string }, ctx) =>
      setMemberRole(ctx.deps, await ctx.principal(), args.teamId, args.userId, args.role),
    removeTeamMember: async (_parent, args: { teamId: string; userId: string }, ctx) => {
      await removeTeamMember(ctx.deps, await ctx.principal(), args.teamId, args.userId);
      return true;
    },
  },
  Team: {
    myRole: async (team: TeamRow, _args, ctx) => (await ctx.principal()).memberships.get(team.id) ?? null,
    members: async (team: TeamRow, args: { first?: number; after?: string }, ctx) => {
      requireTeamRole(await ctx.principal(), team.id, ANY_TEAM_ROLE);
      return ctx.loader(membersPage).load({ teamId: team.id, window: pageWindow(args) });
    },
  },
  Membership: {
    team: async (membership: Membership, _args, ctx) => ctx.loader(teamById).load(membership.teamId),
    user: async (membership: Membership, _args, ctx) => ctx.loader(userById).load(membership.userId),
  },
};
