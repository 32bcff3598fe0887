// The admin Worker's answer for GET /v1/stream opened with a user's access token or an automation
// token (protocol/stream-access.ts): the evaluation Worker authenticates client secrets itself and
// asks here, over its ADMIN service binding, for everything that needs users, sessions and teams.
import { WorkerEntrypoint } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { environments } from "../../../db/schema";
import type { StreamAccessResult, StreamAccessRpc } from "../../../protocol/stream-access";
import { ApiError, forbidden, unauthorized } from "../../evaluation/data/errors";
import type { Env } from "../../env";
import { canSeeTeam, loadPrincipal, type Principal } from "./authz";
import { isAutomationToken, loadAutomationPrincipal } from "./automation-tokens";
import { controlDeps } from "../core/deps";
import { verifyAccessToken } from "./tokens";

export class StreamAccess extends WorkerEntrypoint<Env> implements StreamAccessRpc {
  async authorizeUser(token: string, environmentId: string | null): Promise<StreamAccessResult> {
    try {
      return { ok: true, ...(await userSubscriber(this.env, token, environmentId)) };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      const refusal = { ok: false, status: error.status, code: error.code, message: error.message } as StreamAccessResult & { ok: false };
      return error.path === undefined ? refusal : { ...refusal, path: error.path };
    }
  }
}

async function userSubscriber(env: Env, token: string, environmentId: string | null): Promise<{ environmentId: string; userId: string }> {
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
  // Another team's environment answers exactly like an unknown id: ids reveal nothing (docs/ROLES.md).
  if (!row || !canSeeTeam(principal, row.teamId)) throw new ApiError(404, "NOT_FOUND", `no environment ${environmentId}`);
  return { environmentId, userId: principal.userId };
}
