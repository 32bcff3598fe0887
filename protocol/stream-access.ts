// GET /v1/stream with a user's access token or an automation token: the evaluation Worker holds no
// identity code (its bundle is the engine and the data plane), so it asks the admin Worker, which
// owns users, sessions and teams, over a service binding (env.ADMIN, entrypoint StreamAccess).
// The answer is a value, not a thrown error: errors lose their fields across RPC.

/** Automation tokens start with this (workers/admin issues them). */
export const AUTOMATION_TOKEN_PREFIX = "fga_";

/** A JWS compact serialisation (header.payload.signature): a user's access token. */
const ACCESS_TOKEN_SHAPE = /^eyJ[\w-]*\.[\w-]+\.[\w-]+$/;

/** True when the credential is a user's token (access or automation), not a client secret. */
export const isUserToken = (credential: string) =>
  credential.startsWith(AUTOMATION_TOKEN_PREFIX) || ACCESS_TOKEN_SHAPE.test(credential);

export type StreamAccessResult =
  | { ok: true; environmentId: string; userId: string }
  | {
    ok: false;
    status: 400 | 401 | 403 | 404;
    code: "INVALID_REQUEST" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND";
    message: string;
    /** The request part at fault (e.g. "environment"), when one is. */
    path?: string;
  };

/** The admin Worker's RPC entrypoint the evaluation Worker binds as ADMIN. */
export interface StreamAccessRpc {
  /** May this token subscribe to `environmentId` (the ?environment= parameter, null when absent)? */
  authorizeUser(token: string, environmentId: string | null): Promise<StreamAccessResult>;
}
