// The people & access screens' models: which settings sections a role may use, and what the
// forms refuse before sending (the same rules and words as the admin API).
import { describe, expect, test } from "vitest";
import {
  customRoleProblems, generatePassword, memberProblems, passwordChangeProblems, profileProblems, teamProblems, tokenExpiry,
  tokenProblems, userProblems, latestTokenDay,
} from "../app/lib/identity-forms";
import { accessTo, SETTINGS_GROUPS, type Actor } from "../app/lib/settings-sections";
import { tokenState } from "../app/lib/people-format";

const form = (fields: Record<string, string | string[]>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const v of [value].flat()) data.append(name, v);
  return data;
};

describe("settings sections", () => {
  const all = SETTINGS_GROUPS.flatMap((g) => g.sections);
  const accessFor = (actor: Actor) => Object.fromEntries(all.map((s) => [s.path.replace("/settings/", ""), accessTo(s, actor)]));

  test("list every section of the URL map once, in three groups", () => {
    expect(SETTINGS_GROUPS.map((g) => [g.label, g.sections.map((s) => s.path.replace("/settings/", ""))])).toEqual([
      ["People & access", ["teams", "users", "roles", "tokens", "account", "notification-preferences", "security"]],
      ["Configuration", ["environments", "pipelines", "contexts", "segments", "metrics", "import-export"]],
      ["Delivery & governance", ["clients", "approval-policies", "freeze-windows", "canary-gates", "templates", "notifications"]],
    ]);
  });

  test("give system admins everything, and team admins everything but the signing key", () => {
    expect(new Set(Object.values(accessFor({ isSystemAdmin: true, role: null })))).toEqual(new Set(["full"]));
    const { security, ...rest } = accessFor({ isSystemAdmin: false, role: "team_admin" });
    expect(security).toBe("read");
    expect(new Set(Object.values(rest))).toEqual(new Set(["full"]));
  });

  test("let a requester change segments and import, read the rest, and not open tokens or notifications", () => {
    expect(accessFor({ isSystemAdmin: false, role: "requester" })).toEqual({
      teams: "read", users: "read", roles: "read", tokens: "none", account: "full",
      "notification-preferences": "full", security: "read", environments: "read", pipelines: "read", contexts: "read", segments: "full", metrics: "read", "import-export": "full",
      clients: "read", "approval-policies": "read", "freeze-windows": "read", "canary-gates": "read", templates: "read", notifications: "none",
    });
  });

  test("let a viewer read, and leave a user without a team only their account and mobile number", () => {
    const viewer = accessFor({ isSystemAdmin: false, role: "viewer" });
    expect(viewer.segments).toBe("read");
    expect(viewer.tokens).toBe("none");
    expect(Object.entries(accessFor({ isSystemAdmin: false, role: null })).filter(([, a]) => a !== "none")).toEqual([["account", "full"], ["notification-preferences", "full"]]);
  });
});

describe("form checks", () => {
  test("teams: a name of 1-100 characters, a description of at most 2000", () => {
    expect(teamProblems(form({ name: "  " }))).toEqual({ name: "is required" });
    expect(teamProblems(form({ name: "x".repeat(101), description: "y".repeat(2001) })))
      .toEqual({ name: "must be at most 100 characters", description: "must be at most 2000 characters" });
    expect(teamProblems(form({ name: "Payments" }))).toEqual({});
  });

  test("users: the API's username and email rules; an empty temporary password is generated, a short one refused", () => {
    expect(userProblems(form({ username: "a", email: "nope", temporaryPassword: "short" }))).toEqual({
      username: "must be 2-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit",
      email: "must be an email address",
      temporaryPassword: "must be at least 12 characters long",
    });
    expect(userProblems(form({ username: "Dana.K", email: "dana@acme.test", temporaryPassword: "" }))).toEqual({});
    expect(profileProblems(form({ email: "dana@acme", displayName: "D" }))).toEqual({ email: "must be an email address" });
  });

  test("memberships need a user and a role", () => {
    expect(memberProblems(form({ user: "", role: "owner" }))).toEqual({ user: "is required", role: "choose a role" });
    expect(memberProblems(form({ user: "dana", role: "approver" }))).toEqual({});
  });

  test("password changes: 12+ characters, different from the current one, typed twice alike", () => {
    expect(passwordChangeProblems(form({ currentPassword: "", newPassword: "short", confirm: "other" }))).toEqual({
      currentPassword: "is required", newPassword: "must be at least 12 characters long", confirm: "The two new passwords differ.",
    });
    expect(passwordChangeProblems(form({ currentPassword: "same-password-1", newPassword: "same-password-1", confirm: "same-password-1" })))
      .toEqual({ newPassword: "must differ from the current password" });
    expect(passwordChangeProblems(form({ currentPassword: "old-password-1", newPassword: "new-password-12", confirm: "new-password-12" }))).toEqual({});
  });

  test("custom roles: a name of 1-100 characters, a description of at most 500", () => {
    expect(customRoleProblems(form({ name: "", description: "z".repeat(501) }))).toEqual({ name: "is required", description: "must be at most 500 characters" });
  });

  test("automation tokens: a name, at least one known scope, an expiry day in the coming year", () => {
    const now = new Date("2026-12-06T18:00:00Z");
    expect(tokenProblems(form({ name: "", expiresOn: "" }), now))
      .toEqual({ name: "is required", scopes: "needs at least one scope", expiresOn: "choose the date it expires" });
    expect(tokenProblems(form({ name: "ci", scopes: ["admin_read", "root"], expiresOn: "2026-12-05" }), now))
      .toEqual({ scopes: "has an unknown scope", expiresOn: "must be in the future" });
    expect(tokenProblems(form({ name: "ci", scopes: "flag_write", expiresOn: "2027-12-07" }), now)).toEqual({ expiresOn: "at most one year ahead" });
    expect(latestTokenDay(now)).toBe("2027-12-05");
    expect(tokenProblems(form({ name: "ci", scopes: "flag_write", expiresOn: latestTokenDay(now) }), now)).toEqual({});
    expect(tokenProblems(form({ name: "ci", scopes: "admin_read", expiresOn: "2026-12-06" }), now)).toEqual({});
    expect(tokenExpiry("2027-02-30")).toBeNull();
    expect(tokenExpiry("2027-02-28")?.toISOString()).toBe("2027-02-28T23:59:59.999Z");
  });

  test("generated temporary passwords: 18 characters of the unambiguous alphabet, from the given randomness", () => {
    expect(generatePassword((bytes) => bytes.fill(0))).toBe("a".repeat(18));
    expect(generatePassword((bytes) => bytes.map((_, i) => i))).toBe("abcdefghjkmnpqrstu");
    expect(generatePassword()).toMatch(/^[a-km-np-zA-HJ-NP-Z2-9]{18}$/);
  });

  test("token states: revoked wins, then expiry", () => {
    const now = Date.parse("2026-12-06T18:00:00Z");
    expect(tokenState({ revokedAt: "2026-12-01T00:00:00Z", expiresAt: "2027-01-01T00:00:00Z" }, now)).toBe("revoked");
    expect(tokenState({ revokedAt: null, expiresAt: "2026-12-06T17:59:59Z" }, now)).toBe("expired");
    expect(tokenState({ revokedAt: null, expiresAt: "2027-01-01T00:00:00Z" }, now)).toBe("active");
  });
});
