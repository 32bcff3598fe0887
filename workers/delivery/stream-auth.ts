// Who may open GET /v1/stream, and for which environment. Two kinds of caller:
//   - a client credential (like OFREP): the environment is the client's own;
//   - a user's access token (or an automation token) plus ?environment=<id>: the user must be a
//     member of the environment's team, or a system admin. Another team's environment answers
//     exactly like an unknown id (404 NOT_FOUND), so ids of other teams reveal nothing (docs/ROLES.md).
// Either arrives as `Authorization: Bearer …` / `X-API-Key: …`, or, since browsers cannot set
// headers on a WebSocket, as the subprotocol list ["fluxgate.v1", "fluxgate.credential.<secret>"].
import { eq } from "drizzle-orm";
import { environments } from "../../db/schema";
import { offeredSubprotocols, type SubscriberPrincipal } from "../../durable-objects/subscriber";
import { CREDENTIAL_SUBPROTOCOL_PREFIX, STREAM_SUBPROTOCOL } from "../../protocol/stream";
import { authenticateClient, readCredential } from "../data/client-auth";
import { ApiError, forbidden, unauthorized } from "../data/errors";
import type { Env } from "../env";
import { canSeeTeam, loadPrincipal, type Principal } from "../control/services/authz";
import { isAutomationToken, loadAutomationPrincipal } from "../control/services/automation-tokens";
import { controlDeps } from "../control/services/deps";
import { verifyAccessToken } from "../control/services/tokens";


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

/** A JWS compact serialisation (header.payload.signature): a user's access token. */
const ACCESS_TOKEN_SHAPE = /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/;

/** Authenticates the caller: an ApiError (401/403/404/400; 404 also for another team's environment) or the environment and subscriber. */
export async function authenticateSubscriber(env: Env, request: Request): Promise<StreamSubscriber> {
  const credential = streamCredential(request.headers);
  if (credential === null) {
    throw unauthorized("missing credential; send Authorization: Bearer <client secret or access token>, X-API-Key, "
      + `or the subprotocols ${STREAM_SUBPROTOCOL}, ${CREDENTIAL_SUBPROTOCOL_PREFIX}<secret>`);
  }
  const requested = new URL(request.url).searchParams.get("environment");
  if (isAutomationToken(credential) || ACCESS_TOKEN_SHAPE.test(credential)) {
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

async function userSubscriber(env: Env, token: string, environmentId: string | null): Promise<StreamSubscriber> {
  const deps = controlDeps(env);
  let principal: Principal | null;
  if (isAutomationToken(token)) {
    principal = await loadAutomationPrincipal(deps, token);
  } else {
    const claims = await verifyAccessToken(deps, token);
    principal = claims ? await loadPrincipal(deps, claims.userId, claims.sessionId) : null;
  }
  if (!principal) throw unauthorized("invalid or expired access token");
  if (principal.mustChangePassword) throw forbidden("change your temporary password first");
  if (!environmentId) throw new ApiError(400, "INVALID_REQUEST", "a user token needs ?environment=<environment id>", "environment");
  const [row] = await deps.db.select({ teamId: environments.teamId }).from(environments)
    .where(eq(environments.id, environmentId)).limit(1);
  if (!row || !canSeeTeam(principal, row.teamId)) throw new ApiError(404, "NOT_FOUND", `no environment ${environmentId}`);
  return { environmentId, principal: { type: "user", userId: principal.userId } };
}
