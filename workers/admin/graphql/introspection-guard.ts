// Introspection (`__schema`, `__type`) outside development is for signed-in callers only: the
// schema maps the whole admin surface, and an anonymous visitor needs none of it to log in. The
// check runs at execution, where the request's caller can be resolved (validation is synchronous
// and comes before the context); graphql-js's NoSchemaIntrospectionCustomRule finds the fields,
// inside fragments too. `__typename` is not introspection and stays open. In development anyone
// may introspect (GraphiQL, codegen against `npm run dev`).
import { GraphQLError, NoSchemaIntrospectionCustomRule, validate } from "graphql";
import type { Plugin } from "graphql-yoga";
import type { ControlContext } from "./context";

export const INTROSPECTION_SIGN_IN_MESSAGE =
  "Introspection needs a signed-in caller outside development: send Authorization: Bearer <access token> (from the login mutation)";

export function useIntrospectionForSignedInCallers(): Plugin<ControlContext> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const context = args.contextValue as ControlContext;
      if (context.deps.config.environment === "development") return;
      if (validate(args.schema, args.document, [NoSchemaIntrospectionCustomRule]).length === 0) return;
      if (await context.optionalPrincipal()) return;
      setResultAndStopExecution({
        errors: [new GraphQLError(INTROSPECTION_SIGN_IN_MESSAGE, { extensions: { code: "UNAUTHENTICATED" } })],
      });
    },
  };
}
