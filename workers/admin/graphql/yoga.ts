// The /graphql endpoint: graphql-yoga over the control schema. Errors masked with codes
// (mask-error.ts); token, alias, directive, depth and cost limits (query-limits.ts); request bodies
// are limited before yoga sees them (body-limit.ts). GraphiQL is served everywhere: outside
// development its introspection, like anyone's, needs a signed-in caller (introspection-guard.ts),
// so the page opens with the login mutation and a header to paste its access token into.
// One yoga instance (and schema) per isolate; the context is built per request.
import { createYoga, type YogaServerInstance } from "graphql-yoga";
import { controlDeps } from "../core/deps";
import { createControlContext, type ControlContext, type ControlServerContext } from "./context";
import { graphiqlOptions } from "./graphiql";
import { useIntrospectionForSignedInCallers } from "./introspection-guard";
import { maskError } from "./mask-error";
import { useQueryLimits } from "./query-limits";
import { buildControlSchema } from "./schema";

export const GRAPHQL_PATH = "/graphql";

let instance: YogaServerInstance<ControlServerContext, ControlContext> | undefined;

export function controlYoga(): YogaServerInstance<ControlServerContext, ControlContext> {
  return (instance ??= createYoga<ControlServerContext, ControlContext>({
    schema: buildControlSchema(),
    graphqlEndpoint: GRAPHQL_PATH,
    landingPage: false,
    graphiql: (_request, server) => graphiqlOptions(server?.env.FLUXGATE_ENV === "development"),
    maskedErrors: { maskError },
    // Credentials travel in the Authorization header, never in cookies, so any origin may call.
    cors: { origin: "*", credentials: false, methods: ["GET", "POST", "OPTIONS"], allowedHeaders: ["content-type", "authorization"] },
    // Expected errors are answers, not incidents; mask-error.ts logs the unexpected ones itself.
    logging: false,
    // Parsed documents are cached; validation results are not, because the cost rule reads the
    // request's variables (`first: $n`) and a cached verdict would apply one request's page size to another.
    parserAndValidationCache: { validationCache: false },
    plugins: [useQueryLimits(), useIntrospectionForSignedInCallers()],
    context: ({ request, env, executionCtx }) =>
      createControlContext(controlDeps(env, executionCtx ? { waitUntil: (promise) => executionCtx.waitUntil(promise) } : {}), request),
  }));
}
