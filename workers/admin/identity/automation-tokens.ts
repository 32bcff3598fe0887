// Automation tokens: team-scoped credentials for the admin API (CI pipelines, scripts). A team admin
// creates one with scopes and an expiry (at most a year); the token (`fga_` + 32 random bytes,
// base64url) is returned once, D1 keeps its SHA-256 and a prefix to recognise it. A request bearing
// it acts as a member of that ONE team: `viewer` with admin:read only, `requester` with flag:write;
// never a system admin, so memberships, clients, tokens and policies (team_admin) stay out of reach.
//
// Each token acts through its own service user (no password, no membership, created with it and
// disabled when it is revoked): the user-id columns it writes (audit actor, requested_by,
// created_by) then name the token, and approval eligibility, which is keyed on user ids and
// memberships, can never include it.
import { and, asc, eq, isNull, lt, or } from "drizzle-orm";
import { z } from "zod";
import { AUTOMATION_SCOPES, automationTokens, users, type AutomationScope, type TeamRole } from "../../../db/schema";
import { sha256Hex } from "../../../protocol/secret-hash";
import { AUTOMATION_TOKEN_PREFIX } from "../../../protocol/stream-access";
import { authorizeEntity, TEAM_ADMIN, type Principal } from "./authz";
import { bytesToBase64Url, randomBytes } from "../core/base64";
import { commit } from "../core/commit";
import { uniqueOrConflict } from "../core/constraints";
import type { ControlDeps } from "../core/deps";
import { badInput, notFound } from "../core/errors";
import { pageWindow, toConnection, type Connection, type PageArgs } from "../core/pagination";
import { parseInput } from "../core/validation";

export type AutomationTokenRow = typeof automationTokens.$inferSelect;

/** Characters of the token kept to recognise it ("fga_" + 8). */
const TOKEN_PREFIX_LENGTH = 12;
const MAX_LIFETIME_MS = 366 * 24 * 60 * 60 * 1000;
/** last_used_at is written at most this often per token (one UPDATE per minute, not per request). */
export const LAST_USED_RESOLUTION_MS = 60_000;

const createInput = z.object({
  teamId: z.string().min(1),
  name: z.string().trim().min(1, "is required").max(100),
  scopes: z.array(z.enum(AUTOMATION_SCOPES)).min(1, "needs at least one scope")
    .transform((scopes) => AUTOMATION_SCOPES.filter((scope) => scopes.includes(scope))),
  expiresAt: z.date(),
}).strict();

export interface AutomationTokenWithSecret {
  automationToken: AutomationTokenRow;
  /** Shown once; only its hash is stored. */
  token: string;
}

/** The team role a token's scopes amount to. */
export const roleOfScopes = (scopes: readonly AutomationScope[]): TeamRole =>
  scopes.includes("flag:write") ? "requester" : "viewer";

export async function listAutomationTokens(
  deps: ControlDeps, principal: Principal, teamId: string, page: PageArgs,
): Promise<Connection<AutomationTokenRow>> {
  await authorizeEntity(deps, principal, "team", teamId, TEAM_ADMIN);
  const window = pageWindow(page);
  const rows = await deps.db.select().from(automationTokens).where(eq(automationTokens.teamId, teamId))
    .orderBy(asc(automationTokens.name)).limit(window.limit + 1).offset(window.offset);
  return toConnection(rows, window);
}

export async function createAutomationToken(deps: ControlDeps, principal: Principal, raw: unknown): Promise<AutomationTokenWithSecret> {
  const input = parseInput(createInput, raw);
  await authorizeEntity(deps, principal, "team", input.teamId, TEAM_ADMIN);
  const now = deps.now();
  if (input.expiresAt.getTime() <= now.getTime()) throw badInput("input.expiresAt", "input.expiresAt: must be in the future");
  if (input.expiresAt.getTime() - now.getTime() > MAX_LIFETIME_MS) {
    throw badInput("input.expiresAt", "input.expiresAt: at most one year ahead");
  }
  const token = AUTOMATION_TOKEN_PREFIX + bytesToBase64Url(randomBytes(32));
  const id = crypto.randomUUID();
  const row: AutomationTokenRow = {
    id, teamId: input.teamId, userId: crypto.randomUUID(), name: input.name, scopes: input.scopes,
    tokenHash: await sha256Hex(token), tokenPrefix: token.slice(0, TOKEN_PREFIX_LENGTH), expiresAt: input.expiresAt,
    createdBy: principal.userId, createdAt: now, revokedAt: null, lastUsedAt: null,
  };
  await uniqueOrConflict("automation_tokens", "An automation token with this name already exists in the team", () => commit(deps, {
    actor: principal,
    statements: [
      deps.db.insert(users).values({
        id: row.userId, username: `token:${id}`, email: `${id}@automation-token.invalid`, displayName: `token:${row.name}`,
        passwordHash: null, mustChangePassword: false, isSystemAdmin: false, enabled: true, createdAt: now, updatedAt: now,
      }),
      deps.db.insert(automationTokens).values(row),
    ],
    audit: [{ teamId: row.teamId, action: "automation_token.create", entityType: "automation_token", entityId: id, before: null, after: auditView(row) }],
  }));
  return { automationToken: row, token };
}

/** Revoked at once (the principal is resolved from D1 per request); revoking twice changes nothing. */
export async function revokeAutomationToken(deps: ControlDeps, principal: Principal, id: string): Promise<AutomationTokenRow> {
  const [before] = await deps.db.select().from(automationTokens).where(eq(automationTokens.id, id)).limit(1);
  if (!before) throw notFound("Automation token");
  await authorizeEntity(deps, principal, "team", before.teamId, TEAM_ADMIN);
  if (before.revokedAt) return before;
  const now = deps.now();
  const after: AutomationTokenRow = { ...before, revokedAt: now };
  await commit(deps, {
    actor: principal,
    statements: [
      deps.db.update(automationTokens).set({ revokedAt: now }).where(eq(automationTokens.id, id)),
      deps.db.update(users).set({ enabled: false, updatedAt: now }).where(eq(users.id, before.userId)),
    ],
    audit: [{ teamId: before.teamId, action: "automation_token.revoke", entityType: "automation_token", entityId: id, before: auditView(before), after: auditView(after) }],
  });
  return after;
}

/**
 * The principal of a presented `fga_` token, or null when it is unknown, revoked or expired.
 * A system admin disabling its service user stops it too. One D1 query, plus an UPDATE of last_used_at when the stored one is a minute old or more.
 */
export async function loadAutomationPrincipal(deps: ControlDeps, token: string): Promise<Principal | null> {
  const [found] = await deps.db.select({ token: automationTokens, userEnabled: users.enabled }).from(automationTokens)
    .innerJoin(users, eq(users.id, automationTokens.userId))
    .where(eq(automationTokens.tokenHash, await sha256Hex(token))).limit(1);
  const now = deps.now();
  const row = found?.userEnabled ? found.token : undefined;
  if (!row || row.revokedAt || row.expiresAt.getTime() <= now.getTime()) return null;
  const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
  if (!row.lastUsedAt || row.lastUsedAt.getTime() < stale.getTime()) {
    // Conditional, so concurrent requests of the same minute write at most once.
    await deps.db.update(automationTokens).set({ lastUsedAt: now }).where(and(
      eq(automationTokens.id, row.id), or(isNull(automationTokens.lastUsedAt), lt(automationTokens.lastUsedAt, stale)),
    ));
  }
  return {
    userId: row.userId,
    username: `token:${row.name}`,
    isSystemAdmin: false,
    mustChangePassword: false,
    // Not a login session: logout and session revocation have nothing to act on.
    sessionId: `automation:${row.id}`,
    memberships: new Map([[row.teamId, roleOfScopes(row.scopes)]]),
    automation: { tokenId: row.id, scopes: row.scopes },
  };
}

export const isAutomationToken = (token: string) => token.startsWith(AUTOMATION_TOKEN_PREFIX);

/** Never the hash: what an audit reader needs to follow the token's history. */
function auditView(row: AutomationTokenRow) {
  return {
    id: row.id, teamId: row.teamId, name: row.name, scopes: [...row.scopes], tokenPrefix: row.tokenPrefix,
    expiresAt: row.expiresAt.toISOString(), revokedAt: row.revokedAt ? row.revokedAt.toISOString() : null,
  };
}
