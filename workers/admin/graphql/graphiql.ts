// GraphiQL's settings. In development it opens as before. Elsewhere introspection needs an access
// token (introspection-guard.ts), so the page opens on the login mutation, which works without
// one, and a headers editor prepared for the token it returns; until then the docs pane stays empty.
import type { GraphiQLOptions } from "graphql-yoga";

const TITLE = "FluxGate admin API";

const SIGN_IN_QUERY = `# Outside development, the schema (docs, autocompletion) is for signed-in callers.
# 1. Run this mutation with your login and password (Variables below).
# 2. Put its accessToken into the Headers tab: { "Authorization": "Bearer <accessToken>" }
# 3. Reload the schema (the refresh button bottom left).
mutation SignIn($login: String!, $password: String!) {
  login(input: { login: $login, password: $password }) { accessToken accessTokenExpiresAt }
}
`;

export function graphiqlOptions(development: boolean): GraphiQLOptions {
  if (development) return { title: TITLE };
  return {
    title: TITLE,
    defaultQuery: SIGN_IN_QUERY,
    headers: JSON.stringify({ Authorization: "Bearer <accessToken from the login mutation>" }, null, 2),
    // Never keep a token in the browser's storage past the tab.
    shouldPersistHeaders: false,
  };
}
