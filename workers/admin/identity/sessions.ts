// Sessions: login (username or email + password) returns a short-lived access token and a refresh
// token. Refresh tokens are stored as SHA-256 and rotate: each refresh spends the token and issues
// the next one of the same family (the session). Within REFRESH_GRACE_MS of the rotation, the spent
// token yields that same successor again (two tabs, or an app's parallel loads, refreshing at once
// must not log the user out); the successor is derived from the spent token (refresh-successor.ts),
// so it needs no storage. Presenting a spent token after the window, or once its successor has been
// rotated in turn, means it leaked: the whole family is revoked. Logout and password changes revoke families; access
// tokens of a revoked session stop working at once (the principal check looks at the family).
import { and, eq, isNull, ne, or, sql } from "drizzle-orm";
import { z } from "zod";
import { refreshTokens, users } from "../../../db/schema";
import { sha256Hex } from "../../../protocol/secret-hash";
import type { Principal } from "./authz";
import { bytesToBase64Url, randomBytes } from "../core/base64";
import { commit } from "../core/commit";
import type { ControlDeps } from "../core/deps";
import { badInput, rateLimited, unauthenticated } from "../core/errors";
import { assertNotLocked, recordFailure, resetFailures } from "./lockout";
import { loginFailureThrottle } from "./login-throttle";
import { hashPassword, newPasswordSchema, UNKNOWN_USER_HASH, verifyPassword } from "./passwords";
import { issueAccessToken } from "./tokens";
import { successorSecret } from "./refresh-successor";
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
/** How long after a rotation the spent token still yields the same successor. */
export const REFRESH_GRACE_MS = 30_000;

const invalidCredentials = () => unauthenticated("Invalid username, email or password");

const loginInput = z.object({
  login: z.string().trim().toLowerCase().min(1, "is required").max(254),
  password: z.string().min(1, "is required").max(256),
});

/**
 * Logs in. Failures are throttled per client address (`clientAddress`, see data/auth-throttle.ts;
 * login-throttle.ts) and per (address, login) pair (lockout.ts); while either applies the login
 * answers RATE_LIMITED without checking anything. Every answer is the same for a login that exists
 * and one that does not: same codes, messages and throttling, and the same password-hashing work.
 */
export async function login(deps: ControlDeps, raw: z.input<typeof loginInput>, clientAddress: string): Promise<Session> {
  const input = parseInput(loginInput, raw);
  const throttle = loginFailureThrottle(deps);
  const waitSeconds = throttle.retryAfterSeconds(clientAddress);
  if (waitSeconds > 0) {
    throw rateLimited(new Date(deps.now().getTime() + waitSeconds * 1000), "Too many failed logins from this address");
  }
  assertNotLocked(deps, clientAddress, input.login);
  const user = await checkCredentials(deps, input);
  if (!user) {
    throttle.recordFailure(clientAddress);
    recordFailure(deps, clientAddress, input.login);
    throw invalidCredentials();
  }
  resetFailures(deps, clientAddress, input.login);
  const now = deps.now();
  const refresh = await newRefreshToken(deps, user.id, crypto.randomUUID());
  await deps.db.batch([
    deps.db.update(users).set({ lastLoginAt: now }).where(eq(users.id, user.id)),
    deps.db.insert(refreshTokens).values(refresh.row),
  ]);
  return sessionFor(deps, user.id, user.mustChangePassword, refresh);
}

/** The enabled user these credentials name, else null, after one password hash either way. */
async function checkCredentials(deps: ControlDeps, input: z.output<typeof loginInput>): Promise<typeof users.$inferSelect | null> {
  const [user] = await deps.db.select().from(users)
    .where(or(eq(users.username, input.login), eq(users.email, input.login))).limit(1);
  // An unknown login is checked against a dummy hash: the same cost as a real check.
  const matches = await verifyPassword(input.password, user?.passwordHash ?? UNKNOWN_USER_HASH);
  return user?.passwordHash && matches && user.enabled ? user : null;
}

const invalidRefreshToken = () => unauthenticated("Invalid or expired refresh token");

type RefreshTokenRow = typeof refreshTokens.$inferSelect;

export async function refreshSession(deps: ControlDeps, presented: string): Promise<Session> {
  if (typeof presented !== "string" || !presented.startsWith(REFRESH_TOKEN_PREFIX) || presented.length > 200) throw invalidRefreshToken();
  const [row] = await deps.db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, await sha256Hex(presented))).limit(1);
  if (!row || row.revokedAt) throw invalidRefreshToken();
  if (row.replacedBy) return sameSuccessorOrRevoke(deps, row);
  if (row.expiresAt <= deps.now()) throw invalidRefreshToken();
  const user = await enabledUser(deps, row.userId);
  const next = await newRefreshToken(deps, row.userId, row.familyId, REFRESH_TOKEN_PREFIX + await successorSecret(deps, row.id));
  // Spend the presented token and add its successor only if nobody spent it concurrently; a
  // concurrent refresh that won the race has stored the same successor (derived from row.id).
  const [spent] = await deps.db.batch([
    deps.db.update(refreshTokens).set({ replacedBy: next.row.id })
      .where(and(eq(refreshTokens.id, row.id), isNull(refreshTokens.replacedBy), isNull(refreshTokens.revokedAt)))
      .returning({ id: refreshTokens.id }),
    deps.db.insert(refreshTokens).select(sql`SELECT ${next.row.id}, ${next.row.userId}, ${next.row.tokenHash}, ${next.row.familyId},
      ${next.row.expiresAt.getTime()}, NULL, NULL, ${deps.now().getTime()}
      WHERE EXISTS (SELECT 1 FROM refresh_tokens WHERE id = ${row.id} AND replaced_by = ${next.row.id})`),
  ]);
  if (spent.length === 1) return sessionFor(deps, row.userId, user.mustChangePassword, next);
  const [raced] = await deps.db.select().from(refreshTokens).where(eq(refreshTokens.id, row.id)).limit(1);
  if (!raced || raced.revokedAt || !raced.replacedBy) throw invalidRefreshToken();
  return sameSuccessorOrRevoke(deps, raced);
}

/**
 * A spent token presented again: its successor once more while that is within the grace window
 * and not itself spent or revoked; otherwise reuse, and the family is revoked.
 */
async function sameSuccessorOrRevoke(deps: ControlDeps, spent: RefreshTokenRow): Promise<Session> {
  const [successor] = await deps.db.select().from(refreshTokens).where(eq(refreshTokens.id, spent.replacedBy ?? "")).limit(1);
  const token = REFRESH_TOKEN_PREFIX + await successorSecret(deps, spent.id);
  const now = deps.now().getTime();
  const withinGrace = successor && !successor.revokedAt && !successor.replacedBy && successor.expiresAt.getTime() > now
    && now - successor.createdAt.getTime() < REFRESH_GRACE_MS && successor.tokenHash === await sha256Hex(token);
  if (!withinGrace) {
    await revokeFamily(deps, spent.familyId);
    throw unauthenticated("Refresh token reuse detected; the session was revoked");
  }
  const user = await enabledUser(deps, spent.userId);
  return sessionFor(deps, spent.userId, user.mustChangePassword, { token, row: successor });
}

async function enabledUser(deps: ControlDeps, userId: string): Promise<{ mustChangePassword: boolean }> {
  const [user] = await deps.db.select({ enabled: users.enabled, mustChangePassword: users.mustChangePassword })
    .from(users).where(eq(users.id, userId)).limit(1);
  if (!user?.enabled) throw invalidRefreshToken();
  return user;
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
 * user; the caller's session continues. A wrong current password counts as a failed login of the
 * user's username from the caller's address (lockout.ts).
 */
export async function changePassword(
  deps: ControlDeps, principal: Principal, raw: z.input<typeof changePasswordInput>, clientAddress: string,
): Promise<void> {
  const input = parseInput(changePasswordInput, raw);
  const [user] = await deps.db.select().from(users).where(eq(users.id, principal.userId)).limit(1);
  if (!user) throw unauthenticated();
  assertNotLocked(deps, clientAddress, user.username);
  if (!user.passwordHash || !(await verifyPassword(input.currentPassword, user.passwordHash))) {
    recordFailure(deps, clientAddress, user.username);
    throw badInput("input.currentPassword", "input.currentPassword: is not the current password");
  }
  resetFailures(deps, clientAddress, user.username);
  if (input.newPassword === input.currentPassword) {
    throw badInput("input.newPassword", "input.newPassword: must differ from the current password");
  }
  const now = deps.now();
  await commit(deps, {
    actor: principal,
    statements: [
      deps.db.update(users).set({
        passwordHash: await hashPassword(input.newPassword), mustChangePassword: false, updatedAt: now,
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

async function newRefreshToken(
  deps: ControlDeps, userId: string, familyId: string, token = REFRESH_TOKEN_PREFIX + bytesToBase64Url(randomBytes(32)),
): Promise<NewRefreshToken> {
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
