// The console's one GraphQL transport: typed documents (app/gql, generated from the API's schema)
// sent Worker-to-Worker through the API service binding. The host is ignored by service bindings.
import type { TypedDocumentString } from "../gql/graphql";
import { ApiError } from "./api-error";

export const GRAPHQL_URL = "https://api/graphql";

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: { code?: string; reason?: string; field?: string } }[];
}

export async function execute<TResult, TVariables>(
  api: Fetcher,
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  accessToken: string | null,
): Promise<TResult> {
  const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
  if (accessToken) headers.authorization = `Bearer ${accessToken}`;
  let response: Response;
  try {
    response = await api.fetch(GRAPHQL_URL, {
      method: "POST",
      headers,
      body: JSON.stringify({ query: document.toString(), variables: variables ?? {} }),
    });
  } catch (cause) {
    throw new ApiError({ code: "API_UNAVAILABLE", message: `The admin API could not be reached (${String(cause)}).` });
  }
  let body: GraphQLResponse<TResult>;
  try {
    body = (await response.json()) as GraphQLResponse<TResult>;
  } catch {
    throw new ApiError({ code: "API_UNAVAILABLE", message: `The admin API answered ${response.status} without GraphQL.` });
  }
  const first = body.errors?.[0];
  if (first) {
    throw new ApiError({
      code: first.extensions?.code ?? "API_ERROR",
      message: first.message,
      reason: first.extensions?.reason,
      field: first.extensions?.field,
    });
  }
  if (!body.data) throw new ApiError({ code: "API_ERROR", message: "The admin API returned no data." });
  return body.data;
}
