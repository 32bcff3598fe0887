// Who may open GET /v1/stream, and for which environment. Two kinds of caller:
//   - a client credential (like OFREP): the environment is the client's own;
//   - a user's access token (or an automation token) plus ?environment=<id>: the user must be a
//     member of the environment's team, or a system admin (another team's environment answers exactly
//     like an unknown id: 404 NOT_FOUND); the admin Worker decides
//     (workers/admin/identity/stream-access.ts, over the ADMIN service binding).
// Either arrives as `Authorization: Bearer …` / `X-API-Key: …`, or, since browsers cannot set
// headers on a WebSocket, as the subprotocol list ["fluxgate.v1", "fluxgate.credential.<secret>"].
import { offeredSubprotocols, type SubscriberPrincipal } from "../../../durable-objects/subscriber";
import { CREDENTIAL_SUBPROTOCOL_PREFIX, STREAM_SUBPROTOCOL } from "../../../protocol/stream";
import { authenticateClient, readCredential } from "../data/client-auth";
import { ApiError, forbidden, unauthorized } from "../data/errors";
import type { Env } from "../../env";
import { isUserToken } from "../../../protocol/stream-access";


export interface StreamSubscriber {
  environmentId: string;
  principal: SubscriberPrincipal;
}

/** The credential from the headers, else from the subprotocol list, else null. */
export function streamCredential(headers: Headers): string | null {
  const fromHeaders = readCredential(headers);
  if (fromHeaders !== null) return fromHeaders;
  const carried = offeredSubprotocols(headers).find((p) => p.startsWith(CREDENTIAL_SUBPROTOCOL_PREFIX));
  const secret = carried?.slice(CREDENTIAL_SUBPROTOCOL_PREFIX.length);
  return secret ? secret : null;
}

/** Authenticates the caller: an ApiError (401/403/404/400; 404 also for another team's environment) or the environment and subscriber. */
export async function authenticateSubscriber(env: Env, request: Request): Promise<StreamSubscriber> {
  const credential = streamCredential(request.headers);
  if (credential === null) {
    throw unauthorized("missing credential; send Authorization: Bearer <client secret or access token>, X-API-Key, "
      + `or the subprotocols ${STREAM_SUBPROTOCOL}, ${CREDENTIAL_SUBPROTOCOL_PREFIX}<secret>`);
  }
  const requested = new URL(request.url).searchParams.get("environment");
  if (isUserToken(credential)) {
    return userSubscriber(env, credential, requested);
  }
  // The client path reads the credential from headers (and checks Origin like OFREP does).
  const headers = new Headers(request.headers);
  headers.delete("Authorization");
  headers.set("X-API-Key", credential);
  const client = await authenticateClient(env.FLAGS_KV, headers);
  if (requested !== null && requested !== client.environmentId) {
    throw forbidden("this client credential belongs to another environment");
  }
  return {
    environmentId: client.environmentId,
    principal: { type: "client", clientId: client.clientId, secretHash: client.secretHash },
  };
}

/** The admin Worker decides for user tokens (protocol/stream-access.ts); its refusal keeps its status. */
async function userSubscriber(env: Env, token: string, environmentId: string | null): Promise<StreamSubscriber> {
  const access = await env.ADMIN.authorizeUser(token, environmentId);
  if (!access.ok) throw new ApiError(access.status, access.code, access.message, access.path);
  return { environmentId: access.environmentId, principal: { type: "user", userId: access.userId } };
}
