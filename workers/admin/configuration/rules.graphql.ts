// What each stage of a feature serves: its rules (the seed's "criteria"), default and off variants.
// Changing them is refused in protected environments and during freeze windows (change-guard.ts).
import { asc } from "drizzle-orm";
import { featureStages, rules } from "../../../db/schema";
import type { RuleRow, StageRow, StageState } from "./feature-state";
import { getStage, reorderStageRules, setStageRules, setStageVariants, updateStageCriteria } from "./rules";
import { withoutNulls } from "../graphql/inputs";
import { defineLoader, manyByKey } from "../graphql/loaders";
import type { ModuleResolvers } from "../graphql/module";
import { environmentById } from "./environments.graphql";
import { stripNulls } from "./targeting.graphql";
import { inIds } from "../core/sql-in";

export const typeDefs = /* GraphQL */ `
  enum StageStatus {
    NOT_DEPLOYED
    DEPLOYMENT_REQUESTED
    DEPLOYMENT_REJECTED
    DEPLOYED
    ROLLBACK_REQUESTED
    ROLLBACK_REJECTED
    ROLLED_BACK
  }

  "A feature in one environment of its pipeline."
  type FeatureStage {
    id: ID!
    featureId: ID!
    environment: Environment!
    position: Int!
    status: StageStatus!
    "Served when no rule matches."
    defaultVariant: String
    "Served when the feature is off (not deployed, killed, prerequisite unmet)."
    offVariant: String
    "In evaluation order (priority, then saved position)."
    rules: [Rule!]!
  }

  "A targeting rule (the seed's criteria): who matches and what they are served."
  type Rule {
    id: ID!
    stageId: ID!
    "Lower is evaluated first."
    priority: Int!
    "Tie-break among equal priorities: the saved order."
    position: Int!
    name: String!
    "A disabled rule is kept but not evaluated."
    enabled: Boolean!
    "OR of groups; empty matches everyone."
    match: [ConditionGroup!]!
    "The variant key served (for a split: null, see serveSpec)."
    serve: String
    "The share of matching users served (rollout), null when all of them are."
    rolloutPercentage: Float
    "The full serve: variant, rollout or split."
    serveSpec: Serve!
  }

  input RuleInput {
    "Keep an existing rule's id (it must belong to the stage); omitted: a new rule."
    id: ID
    name: String
    "Default: the rule's index in the list."
    priority: Int
    "Default true."
    enabled: Boolean
    "Default []: everyone."
    match: [ConditionGroupInput!]
    serve: ServeInput!
  }

  input UpdateStageCriteriaInput {
    "The rule's id."
    id: ID!
    priority: Int
    "The variant key to serve."
    serve: String
    enabled: Boolean
    "0..100: serve to that share of matching users (the others fall through). Omitted: unchanged. null: everyone matching."
    rolloutPercentage: Float
    name: String
    match: [ConditionGroupInput!]
    freezeOverrideReason: String
  }

  input SetStageVariantsInput {
    stageId: ID!
    "Omitted: unchanged; null: none."
    defaultVariant: String
    "Omitted: unchanged; null: none."
    offVariant: String
    freezeOverrideReason: String
  }

  extend type Feature {
    "The stage of one environment, if the feature has one there."
    stage(environmentId: ID!): FeatureStage
  }

  extend type Query {
    "Team members."
    featureStage(id: ID!): FeatureStage!
  }

  extend type Mutation {
    """
    Team admins and requesters. Replaces the stage's rules by this ordered list, atomically.
    Refused (FORBIDDEN, reason APPROVAL_REQUIRED) in protected environments and (CONFLICT, reason FROZEN)
    during a freeze unless a team admin gives freezeOverrideReason. Same for the stage mutations below.
    """
    setStageRules(stageId: ID!, rules: [RuleInput!]!, expectedVersion: Int, freezeOverrideReason: String): FeatureStage!
    "Team admins and requesters. ruleIds lists every rule of the stage once; the order becomes the priority."
    reorderStageRules(stageId: ID!, ruleIds: [ID!]!, freezeOverrideReason: String): FeatureStage!
    "Team admins and requesters. Edits one rule: priority, served variant, rollout share, enabled."
    updateStageCriteria(input: UpdateStageCriteriaInput!): Rule!
    "Team admins and requesters. The stage's default and off variants."
    setStageVariants(input: SetStageVariantsInput!): FeatureStage!
  }
`;

export const stagesByFeature = defineLoader<string, StageRow[]>("stagesByFeature", async (deps, ids) => {
  const rows = await deps.db.select().from(featureStages).where(inIds(featureStages.featureId, ids))
    .orderBy(asc(featureStages.position));
  return manyByKey(ids, rows, (row) => row.featureId);
});

const rulesByStage = defineLoader<string, RuleRow[]>("rulesByStage", async (deps, ids) => {
  const rows = await deps.db.select().from(rules).where(inIds(rules.stageId, ids))
    .orderBy(asc(rules.priority), asc(rules.position), asc(rules.id));
  return manyByKey(ids, rows, (row) => row.stageId);
});

export const resolvers: ModuleResolvers = {
  Query: {
    featureStage: async (_p, args: { id: string }, ctx) => getStage(ctx.deps, await ctx.principal(), args.id),
  },
  Mutation: {
    setStageRules: async (_p, args: Record<string, unknown>, ctx) => setStageRules(ctx.deps, await ctx.principal(), stripNulls(args)),
    reorderStageRules: async (_p, args: Record<string, unknown>, ctx) => reorderStageRules(ctx.deps, await ctx.principal(), withoutNulls(args)),
    updateStageCriteria: async (_p, args: { input: Record<string, unknown> }, ctx) => {
      // rolloutPercentage: null is meaningful (everyone matching); other nulls mean "unchanged".
      const { rolloutPercentage, ...rest } = args.input;
      const input: Record<string, unknown> = stripNulls(rest) as Record<string, unknown>;
      if (rolloutPercentage !== undefined) input.rolloutPercentage = rolloutPercentage;
      return updateStageCriteria(ctx.deps, await ctx.principal(), input);
    },
    setStageVariants: async (_p, args: { input: Record<string, unknown> }, ctx) => {
      const { freezeOverrideReason, ...rest } = args.input;
      return setStageVariants(ctx.deps, await ctx.principal(), freezeOverrideReason == null ? rest : { ...rest, freezeOverrideReason });
    },
  },
  Feature: {
    stages: (feature: { id: string }, _a, ctx) => ctx.loader(stagesByFeature).load(feature.id),
    stage: async (feature: { id: string }, args: { environmentId: string }, ctx) =>
      (await ctx.loader(stagesByFeature).load(feature.id)).find((stage) => stage.environmentId === args.environmentId) ?? null,
  },
  FeatureStage: {
    environment: (stage: StageRow, _a, ctx) => ctx.loader(environmentById).load(stage.environmentId),
    rules: (stage: StageRow | StageState, _a, ctx) => ("rules" in stage ? stage.rules : ctx.loader(rulesByStage).load(stage.id)),
  },
  Rule: {
    serve: (rule: RuleRow) => (rule.serve.kind === "split" ? null : rule.serve.variant),
    rolloutPercentage: (rule: RuleRow) => (rule.serve.kind === "rollout" ? rule.serve.percentage : null),
    serveSpec: (rule: RuleRow) => rule.serve,
  },
};


