// Calls the admin API the way a client does: POST /graphql through the real Worker
// (exports.default.fetch inside workerd), optionally with a Bearer access token.
import { exports } from "cloudflare:workers";

export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; field?: string; retryAt?: string; [key: string]: unknown };
}

export interface GraphQLAnswer<T = any> {
  status: number;
  data: T | null | undefined;
  errors: GraphQLErrorShape[] | undefined;
}

export async function gql<T = any>(query: string, variables: Record<string, unknown> = {}, token?: string | null): Promise<GraphQLAnswer<T>> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await exports.default.fetch("http://fluxgate.test/graphql", {
    method: "POST", headers, body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T | null; errors?: GraphQLErrorShape[] };
  return { status: response.status, data: body.data, errors: body.errors };
}

/** The error codes of an answer, in order (for exact assertions). */
export const codes = (answer: GraphQLAnswer) => (answer.errors ?? []).map((error) => error.extensions?.code);

/** The data of an answer that must have succeeded; fails with the errors otherwise. */
export function ok<T>(answer: GraphQLAnswer<T>): T {
  if (answer.errors?.length || !answer.data) throw new Error(`GraphQL errors: ${JSON.stringify(answer.errors)}`);
  return answer.data;
}
