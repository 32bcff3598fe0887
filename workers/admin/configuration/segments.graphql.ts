// Segments: named groups of users for in_segment rules (team admins and requesters).
import { createSegment, deleteSegment, getSegment, listSegments, segmentUsers, updateSegment, type SegmentRow } from "./segments";
import type { ModuleResolvers } from "../graphql/module";
import { stripNulls } from "./targeting.graphql";

export const typeDefs = /* GraphQL */ `
  "A group of users: always the included keys, never the excluded ones, else whoever matches."
  type Segment {
    id: ID!
    teamId: ID!
    "What rules reference (in_segment); fixed at creation."
    key: String!
    name: String!
    description: String!
    included: [String!]!
    excluded: [String!]!
    "OR of groups; an empty list matches nobody (beyond the included keys)."
    match: [ConditionGroup!]!
    "The team's features whose rules reference this segment, by key (deletion waits until none do)."
    usedBy: [SegmentUser!]!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  "A feature with a rule (in some environment) that references the segment."
  type SegmentUser {
    featureId: ID!
    featureKey: String!
  }

  type SegmentConnection {
    nodes: [Segment!]!
    pageInfo: PageInfo!
  }

  input CreateSegmentInput {
    teamId: ID!
    key: String!
    name: String!
    description: String
    included: [String!]
    excluded: [String!]
    match: [ConditionGroupInput!]
  }

  input UpdateSegmentInput {
    id: ID!
    name: String
    description: String
    included: [String!]
    excluded: [String!]
    match: [ConditionGroupInput!]
  }

  extend type Query {
    "Team members."
    segment(id: ID!): Segment!
    "Team members; ordered by key."
    segments(teamId: ID!, first: Int = 25, after: String): SegmentConnection!
  }

  extend type Mutation {
    "Team admins and requesters. Publishes every environment of the team."
    createSegment(input: CreateSegmentInput!): Segment!
    "Team admins and requesters. Publishes every environment of the team."
    updateSegment(input: UpdateSegmentInput!): Segment!
    "Team admins and requesters. CONFLICT while a rule references it. Returns the deleted segment."
    deleteSegment(id: ID!): Segment!
  }
`;

export const resolvers: ModuleResolvers = {
  Segment: {
    // The parent query already authorised the segment's team.
    usedBy: (segment: SegmentRow, _args, ctx) => segmentUsers(ctx.deps, segment.teamId, segment.key),
  },
  Query: {
    segment: async (_p, args: { id: string }, ctx) => getSegment(ctx.deps, await ctx.principal(), args.id),
    segments: async (_p, args: { teamId: string; first?: number; after?: string }, ctx) =>
      listSegments(ctx.deps, await ctx.principal(), args.teamId, args),
  },
  Mutation: {
    createSegment: async (_p, args: { input: unknown }, ctx) => createSegment(ctx.deps, await ctx.principal(), stripNulls(args.input)),
    updateSegment: async (_p, args: { input: unknown }, ctx) => updateSegment(ctx.deps, await ctx.principal(), stripNulls(args.input)),
    deleteSegment: async (_p, args: { id: string }, ctx) => deleteSegment(ctx.deps, await ctx.principal(), args.id),
  },
};
