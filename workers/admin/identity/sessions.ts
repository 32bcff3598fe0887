// Sessions: login (username or email + password) returns a short-lived access token and a refresh
// token. Refresh tokens are random, stored as SHA-256, and rotate: each refresh spends the token
// and issues the next one of the same family (the session). Presenting a spent token again means
// it leaked: the whole family is revoked. Logout and password changes revoke families; access
// tokens of a revoked session stop working at once (the principal check looks at the family).
import { and, eq, isNull, ne, or, sql } from "drizzle-orm";
import { z } from "zod";
import { refreshTokens, users } from "../../../db/schema";
import { sha256Hex } from "../../../protocol/secret-hash";
import type { Principal } from "./authz";
import { bytesToBase64Url, randomBytes } from "../core/base64";
import { commit } from "../core/commit";
import type { ControlDeps } from "../core/deps";
import { badInput, isControlError, rateLimited, unauthenticated } from "../core/errors";
import { assertNotLocked, recordFailure, resetFailures } from "./lockout";
import { loginFailureThrottle } from "./login-throttle";
import { hashPassword, newPasswordSchema, UNKNOWN_USER_HASH, verifyPassword } from "./passwords";
import { issueAccessToken } from "./tokens";
import { parseInput } from "../core/validation";

export interface Session {
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  userId: string;
  mustChangePassword: boolean;
}

const REFRESH_TOKEN_PREFIX = "fgr_";

const invalidCredentials = () => unauthenticated("Invalid username, email or password");

const loginInput = z.object({
  login: z.string().trim().toLowerCase().min(1, "is required").max(254),
  password: z.string().min(1, "is required").max(256),
});

/**
 * Logs in. `clientAddress` (see data/auth-throttle.ts `clientAddress`) is throttled on failed
 * logins (login-throttle.ts): while it is, every login from it answers RATE_LIMITED unchecked.
 */
export async function login(deps: ControlDeps, raw: z.input<typeof loginInput>, clientAddress: string): Promise<Session> {
  const input = parseInput(loginInput, raw);
  const throttle = loginFailureThrottle(deps);
  const waitSeconds = throttle.retryAfterSeconds(clientAddress);
  if (waitSeconds > 0) {
    throw rateLimited(new Date(deps.now().getTime() + waitSeconds * 1000), "Too many failed logins from this address");
  }
  let user: typeof users.$inferSelect;
  try {
    user = await checkCredentials(deps, input);
  } catch (error) {
    if (isControlError(error)) throttle.recordFailure(clientAddress);
    throw error;
  }
  const now = deps.now();
  const refresh = await newRefreshToken(deps, user.id, crypto.randomUUID());
  await deps.db.batch([
    resetFailures(deps, user.id),
    deps.db.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id)),
    deps.db.insert(refreshTokens).values(refresh.row),
  ]);
  return sessionFor(deps, user.id, user.mustChangePassword, refresh);
}

/** The enabled user these credentials name; throws a ControlError for every failed login. */
async function checkCredentials(deps: ControlDeps, input: z.output<typeof loginInput>): Promise<typeof users.$inferSelect> {
  const [user] = await deps.db.select().from(users)
    .where(or(eq(users.username, input.login), eq(users.email, input.login))).limit(1);
  if (!user || !user.passwordHash) {
    await verifyPassword(input.password, UNKNOWN_USER_HASH); // same cost as a real check
    throw invalidCredentials();
  }
  assertNotLocked(deps, user.lockedUntil ?? null);
  if (!(await verifyPassword(input.password, user.passwordHash))) {
    const lockedUntil = await recordFailure(deps, user.id);
    if (lockedUntil) throw rateLimited(lockedUntil, "Too many failed attempts; the account is locked");
    throw invalidCredentials();
  }
  if (!user.enabled) throw invalidCredentials();
  return user;
}

export async function refreshSession(deps: ControlDeps, presented: string): Promise<Session> {
  const invalid = () => unauthenticated("Invalid or expired refresh token");
  if (typeof presented !== "string" || !presented.startsWith(REFRESH_TOKEN_PREFIX) || presented.length > 200) throw invalid();
  const [row] = await deps.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, await sha256Hex(presented))).limit(1);
  if (!row || row.revokedAt) throw invalid();
  if (row.replacedBy) {
    await revokeFamily(deps, row.familyId);
    throw unauthenticated("Refresh token reuse detected; the session was revoked");
  }
  if (row.expiresAt <= deps.now()) throw invalid();
  const [user] = await deps.db.select({ enabled: users.enabled, mustChangePassword: users.mustChangePassword })
    .from(users).where(eq(users.id, row.userId)).limit(1);
  if (!user?.enabled) throw invalid();
  const next = await newRefreshToken(deps, row.userId, row.familyId);
  // Spend the presented token and add its successor only if nobody spent it concurrently.
  const [spent] = await deps.db.batch([
    deps.db.update(refreshTokens).set({ replacedBy: next.row.id })
      .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.replacedBy), isNull(refreshTokens.revokedAt)))
      .returning({ id: refreshTokens.id }),
    deps.db.insert(refreshTokens).select(sql`SELECT ${next.row.id}, ${next.row.userId}, ${next.row.tokenHash}, ${next.row.familyId},
      ${next.row.expiresAt.getTime()}, NULL, NULL, ${deps.now().getTime()}
      WHERE EXISTS (SELECT 1 FROM refresh_tokens WHERE id = ${row.id} AND replaced_by = ${next.row.id})`),
  ]);
  if (spent.length !== 1) {
    await revokeFamily(deps, row.familyId);
    throw unauthenticated("Refresh token reuse detected; the session was revoked");
  }
  return sessionFor(deps, row.userId, user.mustChangePassword, next);
}

/** Ends the caller's session: its refresh tokens and access tokens stop working. */
export async function logout(deps: ControlDeps, principal: Principal): Promise<void> {
  await revokeFamily(deps, principal.sessionId);
}

const changePasswordInput = z.object({
  currentPassword: z.string().min(1, "is required").max(256),
  newPassword: newPasswordSchema,
});

/**
 * Sets a new password (clearing a pending temporary one) and revokes every other session of the
 * user; the caller's session continues. A wrong current password counts as a failed login.
 */
export async function changePassword(deps: ControlDeps, principal: Principal, raw: z.input<typeof changePasswordInput>): Promise<void> {
  const input = parseInput(changePasswordInput, raw);
  const [user] = await deps.db.select().from(users).where(eq(users.id, principal.userId)).limit(1);
  if (!user) throw unauthenticated();
  assertNotLocked(deps, user.lockedUntil ?? null);
  if (!user.passwordHash || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    const lockedUntil = await recordFailure(deps, user.id);
    if (lockedUntil) throw rateLimited(lockedUntil, "Too many failed attempts; the account is locked");
    throw badInput("input.currentPassword", "input.currentPassword: is not the current password");
  }
  if (input.newPassword === input.currentPassword) {
    throw badInput("input.newPassword", "input.newPassword: must differ from the current password");
  }
  const now = deps.now();
  await commit(deps, {
    actor: principal,
    statements: [
      deps.db.update(users).set({
        passwordHash: await hashPassword(input.newPassword), mustChangePassword: false, failedLoginCount: 0,
        lockedUntil: null, updatedAt: now,
      }).where(eq(users.id, user.id)),
      revokeSessionsStatement(deps, user.id, principal.sessionId),
    ],
    audit: [{
      teamId: null, action: "user.change_password", entityType: "user", entityId: user.id,
      before: { mustChangePassword: user.mustChangePassword }, after: { mustChangePassword: false },
    }],
  });
}

/** Revokes every session of the user, except `keepFamilyId` when given. */
export function revokeSessionsStatement(deps: ControlDeps, userId: string, keepFamilyId?: string) {
  return deps.db.update(refreshTokens).set({ revokedAt: deps.now() }).where(and(
    eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt),
    keepFamilyId ? ne(refreshTokens.familyId, keepFamilyId) : undefined,
  ));
}

async function revokeFamily(deps: ControlDeps, familyId: string): Promise<void> {
  await deps.db.update(refreshTokens).set({ revokedAt: deps.now() })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
}

interface NewRefreshToken {
  token: string;
  row: typeof refreshTokens.$inferInsert & { id: string; userId: string; tokenHash: string; familyId: string; expiresAt: Date };
}

async function newRefreshToken(deps: ControlDeps, userId: string, familyId: string): Promise<NewRefreshToken> {
  const token = REFRESH_TOKEN_PREFIX + bytesToBase64Url(randomBytes(32));
  const now = deps.now();
  return {
    token,
    row: {
      id: crypto.randomUUID(), userId, tokenHash: await sha256Hex(token), familyId, createdAt: now,
      expiresAt: new Date(now.getTime() + deps.config.refreshTokenTtlSeconds * 1000),
    },
  };
}

async function sessionFor(deps: ControlDeps, userId: string, mustChangePassword: boolean, refresh: NewRefreshToken): Promise<Session> {
  const access = await issueAccessToken(deps, { userId, sessionId: refresh.row.familyId });
  return {
    accessToken: access.token, accessTokenExpiresAt: access.expiresAt,
    refreshToken: refresh.token, refreshTokenExpiresAt: refresh.row.expiresAt, userId, mustChangePassword,
  };
}
