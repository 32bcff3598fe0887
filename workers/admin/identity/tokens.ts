// Access tokens: ES256 JWTs valid for 15 minutes, signed with the active signing key and naming
// it in the `kid` header. Claims: sub (user id), sid (session = refresh-token family), iat, exp,
// iss, aud. Roles are NOT in the token: the principal is loaded from D1 per request.
import { decodeProtectedHeader, jwtVerify, SignJWT } from "jose";
import type { ControlDeps } from "../core/deps";
import { activeSigningKey, SIGNING_ALGORITHM, verificationKey } from "./signing-keys";

export const TOKEN_ISSUER = "fluxgate";
export const TOKEN_AUDIENCE = "fluxgate-admin";

export interface AccessClaims {
  userId: string;
  sessionId: string;
}

export interface IssuedAccessToken {
  token: string;
  expiresAt: Date;
}

export async function issueAccessToken(deps: ControlDeps, claims: AccessClaims): Promise<IssuedAccessToken> {
  const key = await activeSigningKey(deps);
  const issuedAt = Math.floor(deps.now().getTime() / 1000);
  const expiresAt = issuedAt + deps.config.accessTokenTtlSeconds;
  const token = await new SignJWT({ sid: claims.sessionId })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.kid, typ: "JWT" })
    .setSubject(claims.userId)
    .setIssuer(TOKEN_ISSUER)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(key.privateKey);
  return { token, expiresAt: new Date(expiresAt * 1000) };
}

/** The claims of a valid token; null for anything else (garbage, bad signature, unknown kid, expired). */
export async function verifyAccessToken(deps: ControlDeps, token: string): Promise<AccessClaims | null> {
  let kid: string | undefined;
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== SIGNING_ALGORITHM) return null;
    kid = header.kid;
  } catch {
    return null;
  }
  if (!kid) return null;
  const key = await verificationKey(deps, kid);
  if (!key) return null;
  try {
    const { payload } = await jwtVerify(token, key.publicKey, {
      algorithms: [SIGNING_ALGORITHM], issuer: TOKEN_ISSUER, audience: TOKEN_AUDIENCE,
      currentDate: deps.now(), requiredClaims: ["sub", "exp", "iat"],
    });
    if (typeof payload.sub !== "string" || typeof payload.sid !== "string") return null;
    return { userId: payload.sub, sessionId: payload.sid };
  } catch {
    return null;
  }
}

/** The token of an `Authorization: Bearer <token>` header, or null. */
export function bearerToken(header: string | null): string | null {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match ? match[1]! : null;
}
