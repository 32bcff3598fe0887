// The frame around every evaluation request: authenticate the client, run the handler, turn any
// error into its typed JSON response, and add CORS headers. One function rather than middleware, so
// the hot path stays a single handler call.
import type { Context } from "hono";
import type { ClientRecord } from "../../protocol/delivery";
import { authenticateClient } from "./client-auth";
import { applyCors } from "./cors";
import { errorBody, toApiError, type ErrorDialect } from "./errors";
import type { DataPlane } from "./hono-env";
import { jsonResponse } from "./json-response";

export async function withClient(
  c: Context<DataPlane>,
  dialect: ErrorDialect,
  flagKey: string | undefined,
  handle: (client: ClientRecord) => Promise<Response>,
): Promise<Response> {
  const headers = c.req.raw.headers;
  let client: ClientRecord | undefined;
  let response: Response;
  try {
    client = await authenticateClient(c.env.FLAGS_KV, headers);
    response = await handle(client);
  } catch (error) {
    response = errorResponse(error, dialect, flagKey);
  }
  applyCors(response.headers, client, headers.get("Origin"));
  return response;
}

export function errorResponse(error: unknown, dialect: ErrorDialect, flagKey?: string): Response {
  const apiError = toApiError(error);
  return jsonResponse(errorBody(apiError, dialect, flagKey), apiError.status, apiError.headers);
}
