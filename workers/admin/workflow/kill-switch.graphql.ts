// Kill switch: emergency disable / enable of a feature in every environment, with an optional
// automatic re-enable, and the team's active kill switches. The fields extend the features
// module's Feature type (the seed README's selections work verbatim).
import {
  activeKillSwitches, emergencyDisableFeature, emergencyEnableFeature, MAX_ROLLBACK_MINUTES,
} from "./kill-switch";
import type { FeatureRow } from "../configuration/feature-state";
import type { ModuleResolvers } from "../graphql/module";

export const typeDefs = /* GraphQL */ `
  extend type Feature {
    """
    True while the kill switch is engaged: the feature is DISABLED in every environment.
    (The original FluxGate used the inverse meaning: its kill_switch_enabled=true meant operational.)
    """
    killSwitchEnabled: Boolean!
    "When the kill switch was engaged (null when it is not)."
    killSwitchActivatedAt: DateTime
    "Why it was engaged, when a reason was given."
    killSwitchReason: String
    "When the kill switch is released automatically (null: it stays until emergencyEnableFeature)."
    rollbackScheduledAt: DateTime
  }

  extend type Query {
    "Features of the team whose kill switch is engaged, with their rollback times. Team members."
    activeKillSwitches(teamId: ID!): [Feature!]!
  }

  extend type Mutation {
    """
    Disables the feature at once in every environment (evaluation answers DISABLED). With
    rollbackInMinutes (1..${MAX_ROLLBACK_MINUTES}) it is re-enabled automatically after that many minutes.
    Team admins and system admins; not subject to approval policies or freeze windows.
    """
    emergencyDisableFeature(id: ID!, rollbackInMinutes: Int, reason: String): Feature!
    "Releases the kill switch (and cancels a scheduled rollback). Team admins and system admins."
    emergencyEnableFeature(id: ID!): Feature!
  }
`;

export const resolvers: ModuleResolvers = {
  Feature: {
    killSwitchEnabled: (feature: FeatureRow) => feature.killSwitchActive,
    killSwitchActivatedAt: (feature: FeatureRow) => (feature.killSwitchActive ? feature.killSwitchActivatedAt : null),
    killSwitchReason: (feature: FeatureRow) => (feature.killSwitchActive ? feature.killSwitchReason : null),
    rollbackScheduledAt: (feature: FeatureRow) => (feature.killSwitchActive ? feature.killSwitchRollbackAt : null),
  },
  Query: {
    activeKillSwitches: async (_parent, args: { teamId: string }, ctx) =>
      activeKillSwitches(ctx.deps, await ctx.principal(), args.teamId),
  },
  Mutation: {
    emergencyDisableFeature: async (_parent, args: { id: string; rollbackInMinutes?: number | null; reason?: string | null }, ctx) =>
      emergencyDisableFeature(ctx.deps, await ctx.principal(), args),
    emergencyEnableFeature: async (_parent, args: { id: string }, ctx) =>
      emergencyEnableFeature(ctx.deps, await ctx.principal(), args),
  },
};
