// What the people & access forms refuse before they are sent, mirroring the admin API's rules
// (workers/admin/identity/{user-fields,passwords,teams,automation-tokens}.ts and
// governance/custom-roles.ts) with the same wording, so the check in the browser, the check in the
// action (no JavaScript) and the API agree. Each returns the problems by field name; none: {}.
import type { Problems } from "./form-problems";

const value = (form: FormData, name: string) => {
  const raw = form.get(name);
  return typeof raw === "string" ? raw.trim() : "";
};

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;
// The API uses zod's email check; this is its shape without the corner cases (the API has the last word).
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const MIN_PASSWORD = 12;
export const MAX_PASSWORD = 256;
const DAY_MS = 86_400_000;
export const TOKEN_MAX_DAYS = 365;
export const AUTOMATION_SCOPES = ["admin_read", "flag_write"] as const;

function collect(checks: [string, string | false | undefined][]): Problems {
  const problems: Problems = {};
  for (const [field, problem] of checks) if (problem && !problems[field]) problems[field] = problem;
  return problems;
}

const required = (text: string) => (text ? undefined : "is required");
const atMost = (text: string, max: number) => (text.length > max ? `must be at most ${max} characters` : undefined);

export function passwordProblem(password: string): string | undefined {
  if (password.length < MIN_PASSWORD) return `must be at least ${MIN_PASSWORD} characters long`;
  if (password.length > MAX_PASSWORD) return `must be at most ${MAX_PASSWORD} characters long`;
  return undefined;
}

export function teamProblems(form: FormData): Problems {
  const name = value(form, "name");
  return collect([["name", required(name) ?? atMost(name, 100)], ["description", atMost(value(form, "description"), 2000)]]);
}

export function userProblems(form: FormData): Problems {
  const username = value(form, "username").toLowerCase();
  const email = value(form, "email");
  const temporaryPassword = String(form.get("temporaryPassword") ?? "");
  return collect([
    ["username", !USERNAME.test(username) && "must be 2-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit"],
    ["email", (!EMAIL.test(email) && "must be an email address") || atMost(email, 254)],
    ["displayName", atMost(value(form, "displayName"), 200)],
    // Empty: the console generates one.
    ["temporaryPassword", temporaryPassword !== "" && passwordProblem(temporaryPassword)],
  ]);
}

export function profileProblems(form: FormData): Problems {
  const email = value(form, "email");
  return collect([
    ["email", (!EMAIL.test(email) && "must be an email address") || atMost(email, 254)],
    ["displayName", atMost(value(form, "displayName"), 200)],
  ]);
}

export function memberProblems(form: FormData): Problems {
  return collect([["user", required(value(form, "user"))], ["role", !ROLES.includes(value(form, "role")) && "choose a role"]]);
}
const ROLES = ["team_admin", "approver", "requester", "viewer"];

export function passwordChangeProblems(form: FormData): Problems {
  const current = String(form.get("currentPassword") ?? "");
  const next = String(form.get("newPassword") ?? "");
  return collect([
    ["currentPassword", !current && "is required"],
    ["newPassword", passwordProblem(next) ?? (next === current && "must differ from the current password")],
    ["confirm", next !== String(form.get("confirm") ?? "") && "The two new passwords differ."],
  ]);
}

export function customRoleProblems(form: FormData): Problems {
  const name = value(form, "name");
  return collect([["name", required(name) ?? atMost(name, 100)], ["description", atMost(value(form, "description"), 500)]]);
}

/** `expiresOn` is a date (YYYY-MM-DD) the token works until, end of that day UTC. */
export function tokenProblems(form: FormData, now = new Date()): Problems {
  const name = value(form, "name");
  const scopes = form.getAll("scopes").map(String);
  const expiresAt = tokenExpiry(value(form, "expiresOn"));
  return collect([
    ["name", required(name) ?? atMost(name, 100)],
    ["scopes", (scopes.length === 0 && "needs at least one scope")
      || (scopes.some((s) => !(AUTOMATION_SCOPES as readonly string[]).includes(s)) && "has an unknown scope")],
    ["expiresOn", !expiresAt ? "choose the date it expires"
      : expiresAt.getTime() <= now.getTime() ? "must be in the future"
      : expiresAt.getTime() > now.getTime() + TOKEN_MAX_DAYS * DAY_MS ? "at most one year ahead" : undefined],
  ]);
}

/** The end (23:59:59.999 UTC) of a YYYY-MM-DD day, or null. */
export function tokenExpiry(day: string): Date | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return null;
  const end = new Date(`${day}T23:59:59.999Z`);
  return Number.isNaN(end.getTime()) || end.toISOString().slice(0, 10) !== day ? null : end;
}

/** The last day a token may be valid for, as YYYY-MM-DD (for the date input's max). */
export function latestTokenDay(now = new Date()): string {
  return new Date(now.getTime() + TOKEN_MAX_DAYS * DAY_MS - DAY_MS).toISOString().slice(0, 10);
}

/** A temporary password for a new user or a reset: 18 characters of an unambiguous alphabet (~100 bits). */
export function generatePassword(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  const bytes = random(new Uint8Array(18));
  // 256 is not a multiple of 55: the slight bias leaves far more than enough entropy for a one-time password.
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}
