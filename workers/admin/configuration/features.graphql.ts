// Features, their variants and prerequisites (team admins and requesters change them; members
// read). Child lists are batched per request (see FEATURE_LIST_QUERIES).
import { asc, eq } from "drizzle-orm";
import { features, prerequisites, variants } from "../../../db/schema";
import type { JsonValue } from "../../../engine/types";
import type { FeatureRow, FlagTypeName, VariantRow } from "./feature-state";
import { archiveFeature, createFeature, deleteFeature, getFeature, listFeatures, updateFeature } from "./features";
import { removePrerequisite, setPrerequisite } from "./prerequisites";
import { createVariant, deleteVariant, updateVariant } from "./variants";
import { withoutNulls } from "../graphql/inputs";
import { defineLoader, manyByKey, oneByKey } from "../graphql/loaders";
import type { ControlContext } from "../graphql/context";
import type { ModuleResolvers } from "../graphql/module";
import { inIds } from "../core/sql-in";

/**
 * D1 round trips of `features(teamId) { nodes { variants stages { environment rules } prerequisites { feature } } }`,
 * whatever the number of features on the page, for a member of the team: principal (1 batch), the
 * page (1), variants (1), stages (1), their environments (1), rules (1), prerequisites (1), the
 * required features (1). A system admin outside the team adds one (the team's existence, which a
 * membership implies). DataLoaders batch at most 100 keys (D1 binds at most 100 parameters), so
 * each further 100 stages on one page adds one rules query.
 * test/workers/control/feature-list-queries.test.ts measures it.
 */
export const FEATURE_LIST_QUERIES = 8;

export const typeDefs = /* GraphQL */ `
  "A flag's type; its variants' values must have it."
  enum ValueType {
    BOOLEAN
    STRING
    NUMBER
    JSON
  }

  enum Lifecycle {
    draft
    active
    deprecated
    archived
  }

  type Feature {
    id: ID!
    key: String!
    teamId: ID!
    name: String!
    type: ValueType!
    "Bucketing salt: the key at creation, so a renamed feature keeps every user's bucket."
    salt: String!
    description: String!
    lifecycle: Lifecycle!
    owner: String
    tags: [String!]!
    "Why the feature exists."
    purpose: String
    "Where it is tracked (an http(s) URL)."
    referenceUrl: String
    "When it is due for removal; the features filter expired: true lists it afterwards."
    expiresAt: DateTime
    "Why it is to be removed."
    cleanupReason: String
    "The pipeline the stages were copied from (null once it is deleted)."
    pipelineId: ID
    "Bumped by every change; pass it back as expectedVersion to detect concurrent edits."
    version: Int!
    "Stored variants in order. A boolean feature without any serves the implicit on=true / off=false."
    variants: [Variant!]!
    "One per environment of its pipeline, in order."
    stages: [FeatureStage!]!
    "Features that must serve a variant (or true) for this one to be on."
    prerequisites: [Prerequisite!]!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type Variant {
    id: ID!
    featureId: ID!
    "The variant key (the seed's name for it)."
    control: String!
    "The variant key."
    key: String!
    "The value, JSON-encoded (\\"blue\\", 10, true, {\\"a\\":1})."
    value: String!
    valueType: ValueType!
    description: String!
    position: Int!
  }

  type Prerequisite {
    "The required feature."
    feature: Feature!
    "The variant it must serve; null: it must evaluate to true."
    variant: String
  }

  type FeatureConnection {
    nodes: [Feature!]!
    pageInfo: PageInfo!
  }

  input FeatureFilter {
    "Only this lifecycle (archived included when asked for)."
    lifecycle: Lifecycle
    "Archived features are left out unless true."
    includeArchived: Boolean
    "Features whose key starts with this (exact, case-sensitive)."
    keyPrefix: String
    "Case-insensitive substring of the name or the key."
    name: String
    type: ValueType
    "Exact owner."
    owner: String
    tag: String
    "Features carrying any of these tags."
    tags: [String!]
    "true: not archived, created 30+ days ago and not evaluated in any environment of the team for 30 days (evaluation_rollups); false: the others."
    stale: Boolean
    "true: expiresAt is past; false: no expiresAt or a later one."
    expired: Boolean
    dependencyStatus: DependencyStatus
    approvalStatus: ApprovalFilterStatus
  }

  "NONE: no prerequisites; HEALTHY: every prerequisite exists and is not archived; BLOCKED: some prerequisite is archived or missing."
  enum DependencyStatus { NONE HEALTHY BLOCKED }
  "PENDING: an approval request of the feature is pending; NONE: none is."
  enum ApprovalFilterStatus { PENDING NONE }

  input FeatureVariantInput {
    key: String!
    "JSON-encoded value of the feature's type."
    value: String!
    description: String
  }

  input CreateFeatureInput {
    teamId: ID!
    "Stages are created from this pipeline, one per environment, not deployed."
    pipelineId: ID!
    "2-100 characters: letters, digits, _ . -, starting with a letter. Unique per team."
    key: String!
    "Default: the key."
    name: String
    type: ValueType!
    description: String
    "Default draft."
    lifecycle: Lifecycle
    owner: String
    tags: [String!]
    "Why the feature exists."
    purpose: String
    "Where it is tracked (an http(s) URL)."
    referenceUrl: String
    "When it is due for removal; listed by expired: true afterwards."
    expiresAt: DateTime
    "Why it is to be removed."
    cleanupReason: String
    variants: [FeatureVariantInput!]
    "Every stage's default variant; default off for booleans, else the first variant."
    defaultVariant: String
    "Every stage's off variant; same default."
    offVariant: String
  }

  input UpdateFeatureInput {
    id: ID!
    key: String
    name: String
    description: String
    lifecycle: Lifecycle
    owner: String
    tags: [String!]
    "null clears purpose, referenceUrl, expiresAt, cleanupReason (and owner)."
    purpose: String
    referenceUrl: String
    expiresAt: DateTime
    cleanupReason: String
    "CONFLICT when the feature is no longer at this version."
    expectedVersion: Int
    "Needed to change a feature during a freeze window of one of its environments (team admins; audited)."
    freezeOverrideReason: String
  }

  input CreateFeatureVariantInput {
    featureId: ID!
    "The variant key."
    control: String!
    "JSON-encoded value."
    value: String!
    "Must be the feature's type."
    valueType: ValueType!
    description: String
  }

  input UpdateFeatureVariantInput {
    id: ID!
    value: String
    description: String
    "Needed to change a feature during a freeze window of one of its environments (team admins; audited)."
    freezeOverrideReason: String
  }

  input SetFeaturePrerequisiteInput {
    featureId: ID!
    requiredFeatureId: ID!
    "Omitted: the required feature must evaluate to true."
    variant: String
    "Needed to change a feature during a freeze window of one of its environments (team admins; audited)."
    freezeOverrideReason: String
  }

  extend type Query {
    "Team members."
    feature(id: ID!): Feature!
    "Team members; ordered by key; archived features only when asked for."
    features(teamId: ID!, filter: FeatureFilter, first: Int = 25, after: String): FeatureConnection!
  }

  extend type Mutation {
    "Team admins and requesters."
    createFeature(input: CreateFeatureInput!): Feature!
    """
    Team admins and requesters. Changing the key or archiving/unarchiving changes what evaluation serves:
    like every change below that does (variant values, prerequisites, archive, delete) it is refused in a
    protected environment of the feature (FORBIDDEN, reason APPROVAL_REQUIRED) and during a freeze
    (CONFLICT, reason FROZEN) unless a team admin gives freezeOverrideReason.
    """
    updateFeature(input: UpdateFeatureInput!): Feature!
    "Team admins and requesters: lifecycle archived, out of every snapshot."
    archiveFeature(id: ID!, freezeOverrideReason: String): Feature!
    "Team admins and requesters. CONFLICT while other features require it. Returns the deleted feature."
    deleteFeature(id: ID!, freezeOverrideReason: String): Feature!
    "Team admins and requesters."
    createFeatureVariant(input: CreateFeatureVariantInput!): Variant!
    "Team admins and requesters."
    updateFeatureVariant(input: UpdateFeatureVariantInput!): Variant!
    "Team admins and requesters. CONFLICT while a stage, rule or prerequisite serves it. Returns the deleted variant."
    deleteFeatureVariant(id: ID!): Variant!
    "Team admins and requesters. BAD_USER_INPUT naming the cycle when it would close one."
    setFeaturePrerequisite(input: SetFeaturePrerequisiteInput!): Feature!
    "Team admins and requesters."
    removeFeaturePrerequisite(featureId: ID!, requiredFeatureId: ID!, freezeOverrideReason: String): Feature!
  }
`;

/** A variant with its feature's type (for valueType). */
export type VariantView = VariantRow & { valueType: FlagTypeName };
type PrerequisiteRow = typeof prerequisites.$inferSelect;

export const featureById = defineLoader<string, FeatureRow | null>("featureById", async (deps, ids) => {
  const rows = await deps.db.select().from(features).where(inIds(features.id, ids));
  return oneByKey(ids, rows, (row) => row.id);
});

const variantsByFeature = defineLoader<string, VariantView[]>("variantsByFeature", async (deps, ids) => {
  const rows = await deps.db.select({ variant: variants, valueType: features.type }).from(variants)
    .innerJoin(features, eq(features.id, variants.featureId))
    .where(inIds(variants.featureId, ids)).orderBy(asc(variants.position), asc(variants.key));
  return manyByKey(ids, rows.map((row) => ({ ...row.variant, valueType: row.valueType })), (row) => row.featureId);
});

const prerequisitesByFeature = defineLoader<string, PrerequisiteRow[]>("prerequisitesByFeature", async (deps, ids) => {
  const rows = await deps.db.select().from(prerequisites).where(inIds(prerequisites.featureId, ids));
  return manyByKey(ids, rows, (row) => row.featureId);
});

const VALUE_TYPES: Record<string, FlagTypeName> = { BOOLEAN: "boolean", STRING: "string", NUMBER: "number", JSON: "json" };

const fresh = (ctx: ControlContext, id: string) => ctx.loader(featureById).load(id);

export const resolvers: ModuleResolvers = {
  ValueType: VALUE_TYPES as unknown as ModuleResolvers[string],
  Query: {
    feature: async (_p, args: { id: string }, ctx) => getFeature(ctx.deps, await ctx.principal(), args.id),
    features: async (_p, args: { teamId: string; filter?: Record<string, unknown> | null; first?: number; after?: string }, ctx) =>
      listFeatures(ctx.deps, await ctx.principal(), args.teamId, withoutNulls(args.filter ?? {}), args),
  },
  Mutation: {
    createFeature: async (_p, args: { input: Record<string, unknown> }, ctx) => {
      const input = withoutNulls(args.input);
      if (Array.isArray(input.variants)) input.variants = input.variants.map((v: Record<string, unknown>) => withoutNulls(v));
      return createFeature(ctx.deps, await ctx.principal(), input);
    },
    updateFeature: async (_p, args: { input: Record<string, unknown> }, ctx) => {
      // owner and the bookkeeping fields: null clears them; other nulls mean "unchanged".
      const { owner, purpose, referenceUrl, expiresAt, cleanupReason, ...rest } = args.input;
      const input: Record<string, unknown> = withoutNulls(rest);
      for (const [field, value] of Object.entries({ owner, purpose, referenceUrl, expiresAt, cleanupReason })) {
        if (value !== undefined) input[field] = value;
      }
      return updateFeature(ctx.deps, await ctx.principal(), input);
    },
    archiveFeature: async (_p, args: { id: string; freezeOverrideReason?: string | null }, ctx) =>
      archiveFeature(ctx.deps, await ctx.principal(), args.id, args.freezeOverrideReason),
    deleteFeature: async (_p, args: { id: string; freezeOverrideReason?: string | null }, ctx) =>
      deleteFeature(ctx.deps, await ctx.principal(), args.id, args.freezeOverrideReason),
    createFeatureVariant: async (_p, args: { input: Record<string, unknown> }, ctx) => {
      const principal = await ctx.principal();
      const row = await createVariant(ctx.deps, principal, withoutNulls(args.input));
      return { ...row, valueType: args.input.valueType };
    },
    updateFeatureVariant: async (_p, args: { input: Record<string, unknown> }, ctx) =>
      withType(ctx, await updateVariant(ctx.deps, await ctx.principal(), withoutNulls(args.input))),
    deleteFeatureVariant: async (_p, args: { id: string }, ctx) =>
      withType(ctx, await deleteVariant(ctx.deps, await ctx.principal(), args.id)),
    setFeaturePrerequisite: async (_p, args: { input: Record<string, unknown> }, ctx) => {
      const state = await setPrerequisite(ctx.deps, await ctx.principal(), withoutNulls(args.input));
      return fresh(ctx, state.feature.id);
    },
    removeFeaturePrerequisite: async (_p, args: { featureId: string; requiredFeatureId: string; freezeOverrideReason?: string | null }, ctx) => {
      const state = await removePrerequisite(ctx.deps, await ctx.principal(), withoutNulls(args));
      return fresh(ctx, state.feature.id);
    },
  },
  Feature: {
    variants: (feature: FeatureRow, _a, ctx) => ctx.loader(variantsByFeature).load(feature.id),
    prerequisites: (feature: FeatureRow, _a, ctx) => ctx.loader(prerequisitesByFeature).load(feature.id),
  },
  Variant: {
    control: (variant: VariantRow) => variant.key,
    value: (variant: VariantRow) => JSON.stringify(variant.value as JsonValue),
  },
  Prerequisite: {
    feature: (prerequisite: PrerequisiteRow, _a, ctx) => ctx.loader(featureById).load(prerequisite.requiredFeatureId),
  },
};

async function withType(ctx: ControlContext, row: VariantRow): Promise<VariantView> {
  const feature = await ctx.loader(featureById).load(row.featureId);
  return { ...row, valueType: feature?.type ?? "json" };
}
