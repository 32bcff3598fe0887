// The caller's own sessions (refresh-token families, see sessions.ts): which are live, and ending
// one or all but the current. A session is live while its newest token is neither spent, revoked
// nor expired. Only the owner sees or ends their sessions: another user's session id is NOT_FOUND.
import { and, eq, isNull, sql } from "drizzle-orm";
import { refreshTokens } from "../../../db/schema";
import type { Principal } from "./authz";
import type { ControlDeps } from "../core/deps";
import { notFound } from "../core/errors";
import { revokeSessionsStatement } from "./sessions";

export interface UserSession {
  /** The session id (refresh-token family; the access token's `sid`). */
  id: string;
  /** The sign-in. */
  startedAt: Date;
  /** The latest refresh (a console or app refreshes while in use). */
  lastActiveAt: Date;
  expiresAt: Date;
  current: boolean;
}

/** The caller's live sessions, most recently active first. */
export async function listSessions(deps: ControlDeps, principal: Principal): Promise<UserSession[]> {
  const now = deps.now().getTime();
  const rows = await deps.db.select({
    id: refreshTokens.familyId,
    startedAt: sql<number>`MIN(${refreshTokens.createdAt})`,
    lastActiveAt: sql<number>`MAX(${refreshTokens.createdAt})`,
    expiresAt: sql<number>`MAX(${refreshTokens.expiresAt})`,
  }).from(refreshTokens)
    .where(eq(refreshTokens.userId, principal.userId))
    .groupBy(refreshTokens.familyId)
    .having(sql`SUM(CASE WHEN ${refreshTokens.revokedAt} IS NULL AND ${refreshTokens.replacedBy} IS NULL AND ${refreshTokens.expiresAt} > ${now} THEN 1 ELSE 0 END) > 0`)
    .orderBy(sql`MAX(${refreshTokens.createdAt}) DESC`, refreshTokens.familyId);
  return rows.map((row) => ({
    id: row.id, startedAt: new Date(row.startedAt), lastActiveAt: new Date(row.lastActiveAt), expiresAt: new Date(row.expiresAt),
    current: row.id === principal.sessionId,
  }));
}

/** Ends one of the caller's sessions (the current one too: that is a sign-out). */
export async function revokeSession(deps: ControlDeps, principal: Principal, sessionId: string): Promise<void> {
  const revoked = await deps.db.update(refreshTokens).set({ revokedAt: deps.now() })
    .where(and(eq(refreshTokens.familyId, sessionId), eq(refreshTokens.userId, principal.userId), isNull(refreshTokens.revokedAt)))
    .returning({ id: refreshTokens.id });
  if (revoked.length === 0) throw notFound("Session");
}

/** Ends every session of the caller but the current one; answers how many ended. */
export async function revokeOtherSessions(deps: ControlDeps, principal: Principal): Promise<number> {
  const others = (await listSessions(deps, principal)).filter((session) => !session.current).length;
  await revokeSessionsStatement(deps, principal.userId, principal.sessionId);
  return others;
}
