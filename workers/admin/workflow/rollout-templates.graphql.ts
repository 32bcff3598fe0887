// Rollout templates: the five system templates plus a team's own, a preview of what one would do to
// a feature (per environment: rules, scheduled ramp steps, off variant, approval, deploy; nothing
// written) and its application. Thin: the rules live in services/templates.
import {
  applyRolloutTemplate, createRolloutTemplate, deleteRolloutTemplate, listRolloutTemplates, previewRolloutTemplate, updateRolloutTemplate,
} from "./templates/service";
import type { ModuleResolvers } from "../graphql/module";

const variableFields = `
    "The feature's environments to roll out in, in order (required, here or in the template's defaults)."
    environmentIds: [ID!]
    "The variant rolled out; default on for a boolean feature."
    variant: String
    "kill_switch_guarded: the variant served while the kill switch is engaged; default off / the stage's default."
    safeVariant: String
    "Ramp steps in percent, strictly increasing (canary default 10, 50, 100; kill_switch_guarded 5, 25, 50, 100)."
    percentages: [Float!]
    "Minutes between ramp steps (default 60)."
    intervalMinutes: Int
    "experiment: the split in thousandths of a percent, summing to 100000 (default: equal shares of every variant)."
    weights: [VariantWeightInput!]
    "Beta users first: this segment gets the variant in full before the ramp."
    segmentKey: String
    "Deploy stages that are not live yet where the caller may deploy directly (default true)."
    deploy: Boolean`;

export const typeDefs = /* GraphQL */ `
  enum RolloutTemplateType { simple_on_off canary approval_gated_production experiment kill_switch_guarded }

  type RolloutTemplate {
    "system:<type> for a system template."
    id: ID!
    "Null for a system template."
    teamId: ID
    name: String!
    description: String!
    type: RolloutTemplateType!
    system: Boolean!
    "Default variables; the caller's variables override them."
    defaults: JSON!
    createdAt: DateTime
  }

  input VariantWeightInput { variant: String! weight: Int! }

  input RolloutTemplateVariablesInput {${variableFields}
    "A scheduled ramp: the first step at this time (not in the past); default now."
    startAt: DateTime
  }

  input RolloutTemplateDefaultsInput {${variableFields}
  }

  input CreateRolloutTemplateInput {
    teamId: ID!
    name: String!
    description: String
    type: RolloutTemplateType!
    defaults: RolloutTemplateDefaultsInput
  }

  "Omitted fields stay; defaults, when given, replace the template's defaults."
  input UpdateRolloutTemplateInput {
    id: ID!
    name: String
    description: String
    type: RolloutTemplateType
    defaults: RolloutTemplateDefaultsInput
  }

  type RampStep { runAt: DateTime! percentage: Float! }

  "A rule the template writes (the shape of setStageRules' input)."
  type PlannedRule { name: String! enabled: Boolean! match: JSON! serve: JSON! }

  "DIRECT: written at once; APPROVAL: the rules go as one approval request (rules_change)."
  enum RolloutPlanMode { DIRECT APPROVAL }
  "ALREADY_LIVE; DIRECT: deployed by the application; MANUAL: left to a deploy request; SKIPPED: deploy was false."
  enum RolloutDeployPlan { ALREADY_LIVE DIRECT MANUAL SKIPPED }

  type RolloutEnvironmentPlan {
    environmentId: ID!
    environmentKey: String!
    environmentType: EnvironmentType!
    stageId: ID!
    stageStatus: StageStatus!
    mode: RolloutPlanMode!
    "Why approval is needed (a policy, or the template in production); null when DIRECT."
    approvalReason: String
    frozen: Boolean!
    "The rules that replace the stage's current ones, in order."
    rules: [PlannedRule!]!
    replacedRuleCount: Int!
    "Index in rules of the rule the ramp steps change."
    rampRuleIndex: Int
    "The off variant set on the stage; null: unchanged."
    offVariant: String
    "Later ramp steps written as scheduled set_rollout changes."
    scheduledSteps: [RampStep!]!
    "Later ramp steps left to the user (each needs its own approval)."
    manualSteps: [RampStep!]!
    deploy: RolloutDeployPlan!
    notes: [String!]!
  }

  type RolloutPreview {
    featureId: ID!
    featureKey: String!
    template: RolloutTemplate!
    "In the order of variables.environmentIds."
    environments: [RolloutEnvironmentPlan!]!
  }

  enum RolloutApplyStatus { APPLIED REQUESTED FAILED SKIPPED }

  type RolloutApplyError { code: String! message: String! }

  type RolloutEnvironmentApplication {
    plan: RolloutEnvironmentPlan!
    "APPLIED: written; REQUESTED: an approval request was made; FAILED: see error (nothing later was tried); SKIPPED."
    status: RolloutApplyStatus!
    "Ids of the stage's rules after the change, in order."
    ruleIds: [ID!]!
    scheduledChangeIds: [ID!]!
    deployed: Boolean!
    approvalRequestId: ID
    error: RolloutApplyError
  }

  type RolloutApplication {
    featureId: ID!
    featureKey: String!
    template: RolloutTemplate!
    environments: [RolloutEnvironmentApplication!]!
  }

  extend type Query {
    "The five system templates, then the team's own by name."
    rolloutTemplates(teamId: ID!): [RolloutTemplate!]!
    "What applying the template (templateId, or a system template by type) would write, per environment. Writes nothing."
    previewRolloutTemplate(featureId: ID!, templateId: ID, type: RolloutTemplateType, variables: RolloutTemplateVariablesInput!): RolloutPreview!
  }

  extend type Mutation {
    createRolloutTemplate(input: CreateRolloutTemplateInput!): RolloutTemplate!
    "Team admins; a team's own templates only."
    updateRolloutTemplate(input: UpdateRolloutTemplateInput!): RolloutTemplate!
    deleteRolloutTemplate(id: ID!): RolloutTemplate!
    """
    Writes the preview's plan through the ordinary services (setStageRules per environment, scheduled
    ramp steps, off variant, direct deploys, one approval request where needed); every guard applies.
    A freeze blocks before anything is written unless freezeOverrideReason is given (team admins).
    """
    applyRolloutTemplate(
      featureId: ID!, templateId: ID, type: RolloutTemplateType, variables: RolloutTemplateVariablesInput!, freezeOverrideReason: String
    ): RolloutApplication!
  }
`;

export const resolvers: ModuleResolvers = {
  Query: {
    rolloutTemplates: async (_p, args: { teamId: string }, ctx) => listRolloutTemplates(ctx.deps, await ctx.principal(), args.teamId),
    previewRolloutTemplate: async (_p, args: Record<string, unknown>, ctx) => previewRolloutTemplate(ctx.deps, await ctx.principal(), { ...args }),
  },
  Mutation: {
    createRolloutTemplate: async (_p, args: { input: Record<string, unknown> }, ctx) =>
      createRolloutTemplate(ctx.deps, await ctx.principal(), { ...args.input }),
    updateRolloutTemplate: async (_p, args: { input: Record<string, unknown> }, ctx) =>
      updateRolloutTemplate(ctx.deps, await ctx.principal(), { ...args.input }),
    deleteRolloutTemplate: async (_p, args: { id: string }, ctx) => deleteRolloutTemplate(ctx.deps, await ctx.principal(), args.id),
    applyRolloutTemplate: async (_p, args: Record<string, unknown>, ctx) => applyRolloutTemplate(ctx.deps, await ctx.principal(), { ...args }),
  },
};
