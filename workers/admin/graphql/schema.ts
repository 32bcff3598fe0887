// The control-plane GraphQL schema, merged from the domains' modules. The admin plane is grouped by
// domain (workers/admin/{identity,configuration,workflow,governance,insights,notifications}): each
// folder holds its GraphQL modules (`<name>.graphql.ts`: typeDefs + resolvers) beside its services
// (`<name>.ts`); workers/admin/core holds what every service shares (deps, errors, commit, paging).
//
// HOW TO ADD A MODULE (e.g. environments):
//   1. Create workers/admin/configuration/environments.graphql.ts exporting
//        export const typeDefs = /* GraphQL */ `
//          type Environment { id: ID! key: String! ... }
//          extend type Query { environment(id: ID!): Environment  environments(teamId: ID!, first: Int, after: String): EnvironmentConnection! }
//          extend type Mutation { createEnvironment(input: CreateEnvironmentInput!): Environment! }
//        `;
//        export const resolvers: ModuleResolvers = { Query: {...}, Mutation: {...}, Environment: {...} };
//      Other modules' types are extended with `extend type Team { environments: [Environment!]! }`.
//   2. Add ONE import line below and its name to MODULES.
// Resolvers stay thin: `const principal = await ctx.principal()`, call the domain's service (which
// validates with parseInput, authorises with identity/authz.ts and writes via core/commit.ts), map
// the result. Lists take `first`/`after` (core/pagination.ts) and return
// `<Type>Connection { nodes, pageInfo, totalCount? }`; child lists use ctx.loader(defineLoader(...))
// (loaders.ts) so a list request costs a fixed number of D1 queries. Throw ControlError (never plain
// Error) for anything the caller should see; everything else is masked.
import { createSchema } from "graphql-yoga";
import { baseModule } from "./base";
import type { ControlContext, ControlServerContext } from "./context";
import type { GraphQLModule } from "./module";
import * as activity from "../insights/activity.graphql";
import * as analytics from "../insights/analytics.graphql";
import * as approvals from "../workflow/approvals.graphql";
import * as automationTokens from "../identity/automation-tokens.graphql";
import * as canary from "../insights/canary.graphql";
import * as clients from "../configuration/clients.graphql";
import * as contexts from "../configuration/contexts.graphql";
import * as customRoles from "../governance/custom-roles.graphql";
import * as deliveryMetrics from "../insights/delivery-metrics.graphql";
import * as environments from "../configuration/environments.graphql";
import * as evaluate from "../configuration/evaluate.graphql";
import * as featureBulk from "../configuration/feature-bulk.graphql";
import * as features from "../configuration/features.graphql";
import * as identity from "../identity/identity.graphql";
import * as insights from "../insights/insights.graphql";
import * as notifications from "../notifications/notifications.graphql";
import * as killSwitch from "../workflow/kill-switch.graphql";
import * as liveAnalytics from "../insights/live-analytics.graphql";
import * as metrics from "../insights/metrics.graphql";
import * as pipelines from "../workflow/pipelines.graphql";
import * as rolloutTemplates from "../workflow/rollout-templates.graphql";
import * as rules from "../configuration/rules.graphql";
import * as schedules from "../workflow/schedules.graphql";
import * as segments from "../configuration/segments.graphql";
import * as subscriptions from "../notifications/subscriptions.graphql";
import * as targeting from "../configuration/targeting.graphql";
import * as teams from "../identity/teams.graphql";
import * as users from "../identity/users.graphql";
import * as versions from "../configuration/versions.graphql";

const MODULES: GraphQLModule[] = [
  baseModule,
  users,
  identity,
  killSwitch,
  approvals,
  versions,
  schedules,
  teams,
  environments,
  pipelines,
  contexts,
  targeting,
  segments,
  features,
  rules,
  clients,
  automationTokens,
  insights,
  deliveryMetrics,
  notifications,
  rolloutTemplates,
  customRoles,
  evaluate,
  featureBulk,
  analytics,
  activity,
  metrics,
  canary,
  subscriptions,
  liveAnalytics,
];

export function buildControlSchema(modules: GraphQLModule[] = MODULES) {
  return createSchema<ControlServerContext & ControlContext>({
    typeDefs: modules.map((module) => module.typeDefs),
    resolvers: modules.map((module) => module.resolvers),
  });
}
