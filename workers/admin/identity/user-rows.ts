// What of a user row leaves the services: never the password hash or the lockout counters.
import type { users } from "../../../db/schema";
import type { JsonValue } from "../../../engine/types";

export type UserRow = typeof users.$inferSelect;

export interface UserView {
  id: string;
  username: string;
  email: string;
  displayName: string;
  isSystemAdmin: boolean;
  enabled: boolean;
  mustChangePassword: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function userView(row: UserRow): UserView {
  return {
    id: row.id, username: row.username, email: row.email, displayName: row.displayName,
    isSystemAdmin: row.isSystemAdmin, enabled: row.enabled, mustChangePassword: row.mustChangePassword,
    lastLoginAt: row.lastLoginAt ?? null, createdAt: row.createdAt, updatedAt: row.updatedAt,
  };
}

/** The audited fields of a user (the diff of user.* audit records). */
export function auditUser(user: Pick<UserView, "id" | "username" | "email" | "displayName" | "isSystemAdmin" | "enabled" | "mustChangePassword">): JsonValue {
  return {
    id: user.id, username: user.username, email: user.email, displayName: user.displayName,
    isSystemAdmin: user.isSystemAdmin, enabled: user.enabled, mustChangePassword: user.mustChangePassword,
  };
}
