// The control-plane GraphQL schema, merged from one module per domain.
//
// HOW TO ADD A DOMAIN MODULE (e.g. environments):
//   1. Create workers/control/graphql/modules/environments.ts exporting
//        export const typeDefs = /* GraphQL */ `
//          type Environment { id: ID! key: String! ... }
//          extend type Query { environment(id: ID!): Environment  environments(teamId: ID!, first: Int, after: String): EnvironmentConnection! }
//          extend type Mutation { createEnvironment(input: CreateEnvironmentInput!): Environment! }
//        `;
//        export const resolvers: ModuleResolvers = { Query: {...}, Mutation: {...}, Environment: {...} };
//      Other modules' types are extended with `extend type Team { environments: [Environment!]! }`.
//   2. Add ONE import line below and its name to MODULES.
// Resolvers stay thin: `const principal = await ctx.principal()`, call a service in
// workers/control/services (which validates with parseInput, authorises with authz.ts and writes via
// commit.ts), map the result. Lists take `first`/`after` (services/pagination.ts) and return
// `<Type>Connection { nodes, pageInfo, totalCount? }`; child lists use ctx.loader(defineLoader(...))
// (loaders.ts) so a list request costs a fixed number of D1 queries. Throw ControlError (never plain
// Error) for anything the caller should see; everything else is masked.
import { createSchema } from "graphql-yoga";
import { baseModule } from "./base";
import type { ControlContext, ControlServerContext } from "./context";
import type { GraphQLModule } from "./module";
import * as activity from "./modules/activity";
import * as analytics from "./modules/analytics";
import * as approvals from "./modules/approvals";
import * as automationTokens from "./modules/automation-tokens";
import * as canary from "./modules/canary";
import * as clients from "./modules/clients";
import * as contexts from "./modules/contexts";
import * as customRoles from "./modules/custom-roles";
import * as deliveryMetrics from "./modules/delivery-metrics";
import * as environments from "./modules/environments";
import * as evaluate from "./modules/evaluate";
import * as featureBulk from "./modules/feature-bulk";
import * as features from "./modules/features";
import * as identity from "./modules/identity";
import * as insights from "./modules/insights";
import * as notifications from "./modules/notifications";
import * as killSwitch from "./modules/kill-switch";
import * as metrics from "./modules/metrics";
import * as pipelines from "./modules/pipelines";
import * as rolloutTemplates from "./modules/rollout-templates";
import * as rules from "./modules/rules";
import * as schedules from "./modules/schedules";
import * as segments from "./modules/segments";
import * as subscriptions from "./modules/subscriptions";
import * as targeting from "./modules/targeting";
import * as teams from "./modules/teams";
import * as users from "./modules/users";
import * as versions from "./modules/versions";

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
];

export function buildControlSchema(modules: GraphQLModule[] = MODULES) {
  return createSchema<ControlServerContext & ControlContext>({
    typeDefs: modules.map((module) => module.typeDefs),
    resolvers: modules.map((module) => module.resolvers),
  });
}
