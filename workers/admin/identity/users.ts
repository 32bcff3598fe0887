// User administration. System admins list, create, update and disable users and set temporary
// passwords; a user reads and edits their own profile (display name, email); members of a shared
// team see each other. Anyone else gets NOT_FOUND, as if the user did not exist.
import { asc, count, eq } from "drizzle-orm";
import { z } from "zod";
import { teamMemberships, users } from "../../../db/schema";
import { requireSystemAdmin, type Principal } from "./authz";
import { commit } from "../core/commit";
import { isUniqueViolation } from "../core/constraints";
import type { ControlDeps } from "../core/deps";
import { badInput, conflict, forbidden, notFound } from "../core/errors";
import { pageWindow, toConnection, type Connection, type PageArgs } from "../core/pagination";
import { hashPassword, newPasswordSchema } from "./passwords";
import { revokeSessionsStatement } from "./sessions";
import { closeUserSockets } from "./socket-access";
import { displayNameSchema, emailSchema, usernameSchema } from "./user-fields";
import { auditUser, userView, type UserRow, type UserView } from "./user-rows";
import { parseInput } from "../core/validation";

/** System admin, the user themself, or a member of a team the user belongs to. */
export async function canSeeUser(deps: ControlDeps, principal: Principal, userId: string): Promise<boolean> {
  if (principal.isSystemAdmin || principal.userId === userId) return true;
  if (!principal.memberships.size) return false;
  const rows = await deps.db.select({ teamId: teamMemberships.teamId }).from(teamMemberships).where(eq(teamMemberships.userId, userId));
  return rows.some((row) => principal.memberships.has(row.teamId));
}

export async function getUser(deps: ControlDeps, principal: Principal, userId: string): Promise<UserView> {
  if (!(await canSeeUser(deps, principal, userId))) throw notFound("User");
  return userView(await userRow(deps, userId));
}

export async function listUsers(deps: ControlDeps, principal: Principal, page: PageArgs): Promise<Connection<UserView> & { totalCount: number }> {
  requireSystemAdmin(principal);
  const window = pageWindow(page);
  const [rows, [total]] = await deps.db.batch([
    deps.db.select().from(users).orderBy(asc(users.username)).limit(window.limit + 1).offset(window.offset),
    deps.db.select({ n: count() }).from(users),
  ]);
  return { ...toConnection(rows.map(userView), window), totalCount: total?.n ?? 0 };
}

const createUserInput = z.object({
  username: usernameSchema,
  email: emailSchema,
  displayName: displayNameSchema.default(""),
  /** A temporary password the user must change at first login; without it the user cannot log in yet. */
  temporaryPassword: newPasswordSchema.nullish(),
  isSystemAdmin: z.boolean().default(false),
});

export async function createUser(deps: ControlDeps, principal: Principal, raw: z.input<typeof createUserInput>): Promise<UserView> {
  requireSystemAdmin(principal);
  const input = parseInput(createUserInput, raw);
  const now = deps.now();
  const row: UserRow = {
    id: crypto.randomUUID(), username: input.username, email: input.email, displayName: input.displayName, mobile: null,
    passwordHash: input.temporaryPassword ? await hashPassword(input.temporaryPassword) : null,
    mustChangePassword: Boolean(input.temporaryPassword), isSystemAdmin: input.isSystemAdmin, enabled: true,
    failedLoginCount: 0, lockedUntil: null, lastLoginAt: null, createdAt: now, updatedAt: now,
  };
  await commitUnique(deps, {
    actor: principal,
    statements: [deps.db.insert(users).values(row)],
    audit: [{ teamId: null, action: "user.create", entityType: "user", entityId: row.id, before: null, after: auditUser(row) }],
  });
  return userView(row);
}

const updateUserInput = z.object({
  username: usernameSchema.optional(),
  email: emailSchema.optional(),
  displayName: displayNameSchema.optional(),
  isSystemAdmin: z.boolean().optional(),
  enabled: z.boolean().optional(),
});

/** Fields a user may change on themself; the rest is for system admins. */
const SELF_SERVICE_FIELDS = new Set(["email", "displayName"]);

export async function updateUser(
  deps: ControlDeps, principal: Principal, userId: string, raw: z.input<typeof updateUserInput>,
): Promise<UserView> {
  const input = parseInput(updateUserInput, raw);
  // An automation token's service user is not a person: it has no self-service profile.
  const self = principal.userId === userId && !principal.automation;
  if (!principal.isSystemAdmin) {
    if (!self) throw (await canSeeUser(deps, principal, userId)) ? forbidden("Only a system admin may change other users") : notFound("User");
    const adminOnly = Object.keys(input).find((key) => !SELF_SERVICE_FIELDS.has(key));
    if (adminOnly) throw forbidden(`Only a system admin may change ${adminOnly}`);
  }
  if (self && (input.isSystemAdmin === false || input.enabled === false)) {
    throw badInput(input.enabled === false ? "input.enabled" : "input.isSystemAdmin",
      "Admins cannot demote or disable themselves; another system admin must do it");
  }
  const before = await userRow(deps, userId);
  const after: UserRow = { ...before, ...input, updatedAt: deps.now() };
  await commitUnique(deps, {
    actor: principal,
    statements: [
      deps.db.update(users).set({ ...input, updatedAt: after.updatedAt }).where(eq(users.id, userId)),
      ...(input.enabled === false ? [revokeSessionsStatement(deps, userId)] : []),
    ],
    audit: [{ teamId: null, action: "user.update", entityType: "user", entityId: userId, before: auditUser(before), after: auditUser(after) }],
  });
  if (before.enabled && !after.enabled) await closeUserSockets(deps, userId, "everywhere");
  else if (before.isSystemAdmin && !after.isSystemAdmin) await closeUserSockets(deps, userId, "outside-own-teams");
  return userView(after);
}

/** System admin: disables the user and ends all their sessions. */
export async function disableUser(deps: ControlDeps, principal: Principal, userId: string): Promise<UserView> {
  requireSystemAdmin(principal);
  return updateUser(deps, principal, userId, { enabled: false });
}

/**
 * Sets a password the user must change at their next login (PASSWORD_CHANGE_REQUIRED until then),
 * unlocks the account and ends the user's sessions.
 */
export async function setTemporaryPassword(deps: ControlDeps, principal: Principal, userId: string, password: string): Promise<UserView> {
  requireSystemAdmin(principal);
  const temporaryPassword = parseInput(newPasswordSchema, password, "temporaryPassword");
  const before = await userRow(deps, userId);
  const after: UserRow = { ...before, mustChangePassword: true, failedLoginCount: 0, lockedUntil: null, updatedAt: deps.now() };
  await commit(deps, {
    actor: principal,
    statements: [
      deps.db.update(users).set({
        passwordHash: await hashPassword(temporaryPassword), mustChangePassword: true, failedLoginCount: 0, lockedUntil: null,
        updatedAt: after.updatedAt,
      }).where(eq(users.id, userId)),
      revokeSessionsStatement(deps, userId),
    ],
    audit: [{
      teamId: null, action: "user.set_temporary_password", entityType: "user", entityId: userId,
      before: auditUser(before), after: auditUser(after),
    }],
  });
  return userView(after);
}

async function userRow(deps: ControlDeps, userId: string): Promise<UserRow> {
  const [row] = await deps.db.select().from(users).where(eq(users.id, userId)).limit(1);
  if (!row) throw notFound("User");
  return row;
}

/** commit(), turning a username/email uniqueness violation into CONFLICT. */
async function commitUnique(deps: ControlDeps, input: Parameters<typeof commit>[1]): Promise<void> {
  try {
    await commit(deps, input);
  } catch (error) {
    if (isUniqueViolation(error, "users")) {
      throw conflict(String((error as Error).message).includes("users.email") ? "The email is taken" : "The username is taken");
    }
    throw error;
  }
}
