// The frame around every evaluation request: authenticate the client, run the handler, turn any
// error into its typed JSON response, and add CORS headers. One function rather than middleware, and
// handlers are module-level functions receiving the context, so the hot path allocates no closures.
import type { Context } from "hono";
import type { ClientRecord } from "../../../protocol/delivery";
import { authenticateClient } from "./client-auth";
import { applyCors, clientAllowsOrigin, isReadableFailure } from "./cors";
import { errorBody, toApiError, type ErrorDialect } from "./errors";
import type { DataPlane } from "./hono-env";
import { jsonResponse } from "./json-response";

export type ClientHandler<K extends string | undefined> =
  (c: Context<DataPlane>, client: ClientRecord, flagKey: K) => Promise<Response>;

export async function withClient<K extends string | undefined>(
  c: Context<DataPlane>,
  dialect: ErrorDialect,
  flagKey: K,
  handle: ClientHandler<K>,
): Promise<Response> {
  const headers = c.req.raw.headers;
  const origin = headers.get("Origin");
  let client: ClientRecord;
  try {
    client = await authenticateClient(c.env.FLAGS_KV, headers);
  } catch (error) {
    return refusalResponse(error, dialect, origin, flagKey);
  }
  let response: Response;
  try {
    response = await handle(c, client, flagKey);
  } catch (error) {
    response = errorResponse(error, dialect, flagKey);
  }
  applyCors(response.headers, origin, clientAllowsOrigin(client, origin));
  return response;
}

/** An authentication failure's response, with CORS when the refused page may read it (cors.ts). */
export function refusalResponse(error: unknown, dialect: ErrorDialect, origin: string | null, flagKey?: string): Response {
  const apiError = toApiError(error);
  const response = errorResponse(apiError, dialect, flagKey);
  applyCors(response.headers, origin, isReadableFailure(apiError));
  return response;
}

export function errorResponse(error: unknown, dialect: ErrorDialect, flagKey?: string): Response {
  const apiError = toApiError(error);
  return jsonResponse(errorBody(apiError, dialect, flagKey), apiError.status, apiError.headers);
}
