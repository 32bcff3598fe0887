// Admin-side evaluation ("test this context"): what OFREP would answer in an environment for a
// context, from the environment's published snapshot. Thin: services/evaluate.ts.
import { environmentHub } from "../../../durable-objects/hub";
import { evaluateFeatureAsAdmin, evaluateFeaturesAsAdmin, type SnapshotSource } from "./evaluate";
import type { ControlServerContext } from "../graphql/context";
import type { ModuleResolvers } from "../graphql/module";

export const typeDefs = /* GraphQL */ `
  "One flag as OFREP answers it: value/variant/reason on success, errorCode/errorDetails on error."
  type AdminEvaluation {
    key: String!
    "The status of OFREP's single-flag endpoint: 200, 404 (FLAG_NOT_FOUND) or 400 (other errors)."
    httpStatus: Int!
    "Null when absent (an off flag without an off value: the caller's code default applies) or on error."
    value: JSON
    variant: String
    reason: String
    errorCode: String
    errorDetails: String
    "Always carries flagSetVersion; ruleId / rulePriority when a rule won; failedPrerequisite."
    metadata: JSON!
  }

  type AdminEvaluations {
    environmentId: ID!
    flagSetVersion: Int!
    flags: [AdminEvaluation!]!
  }

  extend type Query {
    "Evaluates one feature in the environment for the context (targetingKey plus attributes), on its published snapshot."
    evaluateFeature(environmentId: ID!, featureKey: String!, context: JSON!): AdminEvaluation!
    "Evaluates every feature of the environment's published snapshot for the context (OFREP bulk)."
    evaluateFeatures(environmentId: ID!, context: JSON!): AdminEvaluations!
  }
`;

const snapshotsOf = (ctx: ControlServerContext): SnapshotSource => (environmentId) => environmentHub(ctx.env, environmentId).getSnapshot();

export const resolvers: ModuleResolvers = {
  Query: {
    evaluateFeature: async (_p, args: Record<string, unknown>, ctx) =>
      evaluateFeatureAsAdmin(ctx.deps, await ctx.principal(), snapshotsOf(ctx as unknown as ControlServerContext), { ...args }),
    evaluateFeatures: async (_p, args: Record<string, unknown>, ctx) =>
      evaluateFeaturesAsAdmin(ctx.deps, await ctx.principal(), snapshotsOf(ctx as unknown as ControlServerContext), { ...args }),
  },
};
