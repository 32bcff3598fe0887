// Pipelines: ordered environments, the template of a new feature's stages (team admins).
import { asc } from "drizzle-orm";
import { pipelineStages } from "../../../db/schema";
import {
  createPipeline, deletePipeline, getPipeline, listPipelines, updatePipeline, type PipelineRow, type PipelineStageRow,
} from "./pipelines";
import { withoutNulls } from "../graphql/inputs";
import { defineLoader, manyByKey } from "../graphql/loaders";
import type { ModuleResolvers } from "../graphql/module";
import { environmentById } from "../configuration/environments.graphql";
import { inIds } from "../core/sql-in";

export const typeDefs = /* GraphQL */ `
  type Pipeline {
    id: ID!
    teamId: ID!
    name: String!
    description: String!
    "In order: a new feature gets one stage per entry."
    stages: [PipelineStage!]!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type PipelineStage {
    id: ID!
    position: Int!
    environment: Environment!
  }

  type PipelineConnection {
    nodes: [Pipeline!]!
    pageInfo: PageInfo!
  }

  input CreatePipelineInput {
    teamId: ID!
    name: String!
    description: String
    "Environments of the team, in stage order."
    environmentIds: [ID!]!
  }

  input UpdatePipelineInput {
    id: ID!
    name: String
    description: String
    "Replaces (and so reorders) the stages. Existing features keep theirs."
    environmentIds: [ID!]
  }

  extend type Query {
    "Team members."
    pipeline(id: ID!): Pipeline!
    "Team members; ordered by name."
    pipelines(teamId: ID!, first: Int = 25, after: String): PipelineConnection!
  }

  extend type Mutation {
    "Team admins."
    createPipeline(input: CreatePipelineInput!): Pipeline!
    "Team admins."
    updatePipeline(input: UpdatePipelineInput!): Pipeline!
    "Team admins. Features created from it keep their stages. Returns the deleted pipeline."
    deletePipeline(id: ID!): Pipeline!
  }
`;

const stagesByPipeline = defineLoader<string, PipelineStageRow[]>("stagesByPipeline", async (deps, ids) => {
  const rows = await deps.db.select().from(pipelineStages).where(inIds(pipelineStages.pipelineId, ids))
    .orderBy(asc(pipelineStages.position));
  return manyByKey(ids, rows, (row) => row.pipelineId);
});

export const resolvers: ModuleResolvers = {
  Query: {
    pipeline: async (_p, args: { id: string }, ctx) => getPipeline(ctx.deps, await ctx.principal(), args.id),
    pipelines: async (_p, args: { teamId: string; first?: number; after?: string }, ctx) =>
      listPipelines(ctx.deps, await ctx.principal(), args.teamId, args),
  },
  Mutation: {
    createPipeline: async (_p, args: { input: Record<string, unknown> }, ctx) =>
      createPipeline(ctx.deps, await ctx.principal(), withoutNulls(args.input)),
    updatePipeline: async (_p, args: { input: Record<string, unknown> }, ctx) =>
      updatePipeline(ctx.deps, await ctx.principal(), withoutNulls(args.input)),
    deletePipeline: async (_p, args: { id: string }, ctx) => deletePipeline(ctx.deps, await ctx.principal(), args.id),
  },
  Pipeline: {
    stages: (pipeline: PipelineRow, _a, ctx) => ctx.loader(stagesByPipeline).load(pipeline.id),
  },
  PipelineStage: {
    environment: (stage: PipelineStageRow, _a, ctx) => ctx.loader(environmentById).load(stage.environmentId),
  },
};
