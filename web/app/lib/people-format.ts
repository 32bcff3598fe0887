// How the people & access screens write roles, dates and token states.
const ROLE_LABELS: Record<string, string> = { team_admin: "Team admin", approver: "Approver", requester: "Requester", viewer: "Viewer" };
export const TEAM_ROLES = ["team_admin", "approver", "requester", "viewer"] as const;
export type TeamRoleName = (typeof TEAM_ROLES)[number];

export const roleLabel = (role: string) => ROLE_LABELS[role] ?? role;

/** "6 Dec 2026" (UTC). */
export const formatDay = (iso: string) => new Date(iso).toLocaleDateString("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric" });

/** "6 Dec 2026, 18:04 UTC". */
export const formatTime = (iso: string) =>
  `${new Date(iso).toLocaleString("en-GB", { timeZone: "UTC", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit" })} UTC`;

export type TokenState = "active" | "revoked" | "expired";
export function tokenState(token: { revokedAt?: string | null; expiresAt: string }, now = Date.now()): TokenState {
  if (token.revokedAt) return "revoked";
  return Date.parse(token.expiresAt) <= now ? "expired" : "active";
}

/** An automation token's service user (docs/ROLES.md): listed with the tokens, not with people. Usernames of people cannot contain ':'. */
export const isServiceUser = (user: { username: string }) => user.username.startsWith("token:");
