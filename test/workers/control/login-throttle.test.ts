// Failed logins are throttled per client address (password spraying across many usernames):
// LOGIN_FAILURE_LIMIT failures per LOGIN_FAILURE_WINDOW_MS; and per (address, login) pair
// (lockout.ts, issue 8 item 5): answers never tell whether a login exists, and only the guessing
// address is locked out, so the owner logs in from elsewhere.
import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, DEMO_USER_IDS } from "../../../db/seed/demo-data";
import { controlDeps, type ControlDeps } from "../../../workers/admin/core/deps";
import { ControlError } from "../../../workers/admin/core/errors";
import { LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_MS } from "../../../workers/admin/identity/login-throttle";
import { FIRST_LOCK_MS, LOCK_THRESHOLD, MAX_LOCK_MS } from "../../../workers/admin/identity/lockout";
import { changePassword, login } from "../../../workers/admin/identity/sessions";
import { codes, gql, ok } from "./support/graphql";
import { LOGIN, reseedControl } from "./support/sessions";

const START = Date.UTC(2026, 5, 1, 12, 0, 0);
const ATTACKER = "203.0.113.7";
const OTHER = "198.51.100.9";
const OWNER = OTHER;

let clock: number;
let deps: ControlDeps;

beforeEach(async () => {
  await reseedControl();
  clock = START;
  deps = controlDeps(env, { now: () => new Date(clock), isolateCache: new Map() });
});

async function attempt(loginName: string, password: string, address = ATTACKER): Promise<string> {
  try {
    await login(deps, { login: loginName, password }, address);
    return "OK";
  } catch (error) {
    if (error instanceof ControlError) return error.code;
    throw error;
  }
}

async function failure(address = ATTACKER): Promise<ControlError> {
  try {
    await login(deps, { login: "admin", password: DEMO_PASSWORD }, address);
  } catch (error) {
    if (error instanceof ControlError) return error;
    throw error;
  }
  throw new Error("login succeeded");
}

/** One wrong password for each of `count` different (unknown) usernames: no account lockout involved. */
async function spray(count: number, address = ATTACKER): Promise<void> {
  for (let i = 0; i < count; i++) {
    expect(await attempt(`sprayed-${i}@acme.test`, "Winter2026!", address)).toBe("UNAUTHENTICATED");
    clock += 1000;
  }
}

describe("login throttle per client address", () => {
  it("answers RATE_LIMITED with the exact retryAt after the limit, without checking the password", async () => {
    expect(LOGIN_FAILURE_LIMIT).toBe(30);
    expect(LOGIN_FAILURE_WINDOW_MS).toBe(15 * 60_000);
    await spray(LOGIN_FAILURE_LIMIT); // first failure at START
    const limited = await failure();
    expect(limited.code).toBe("RATE_LIMITED");
    expect(limited.details.retryAt).toEqual(new Date(START + LOGIN_FAILURE_WINDOW_MS));
    expect(limited.message).toBe(`Too many failed logins from this address; retry after ${new Date(START + LOGIN_FAILURE_WINDOW_MS).toISOString()}`);
    // The right password was not checked: nobody logged in.
    const row = await env.DB.prepare("SELECT last_login_at FROM users WHERE id = ?").bind(DEMO_USER_IDS.admin).first();
    expect(row).toEqual({ last_login_at: null });
    // Just before the oldest failure leaves the window: still limited; then free again.
    clock = START + LOGIN_FAILURE_WINDOW_MS - 1;
    expect(await attempt("admin", DEMO_PASSWORD)).toBe("RATE_LIMITED");
    clock = START + LOGIN_FAILURE_WINDOW_MS;
    expect(await attempt("admin", DEMO_PASSWORD)).toBe("OK");
  });

  it("leaves other addresses unaffected", async () => {
    await spray(LOGIN_FAILURE_LIMIT);
    expect(await attempt("admin", DEMO_PASSWORD)).toBe("RATE_LIMITED");
    expect(await attempt("admin", DEMO_PASSWORD, OTHER)).toBe("OK");
    expect(await attempt("nobody@acme.test", "x", OTHER)).toBe("UNAUTHENTICATED");
  });

  it("counts only failures: successful logins neither count nor reset the counter", async () => {
    for (let i = 0; i < 3 * LOGIN_FAILURE_LIMIT; i++) expect(await attempt("approver", DEMO_PASSWORD)).toBe("OK");
    await spray(LOGIN_FAILURE_LIMIT - 1);
    expect(await attempt("approver", DEMO_PASSWORD)).toBe("OK");
    expect(await attempt("wrong-user@acme.test", "x")).toBe("UNAUTHENTICATED"); // the limit-th failure
    expect(await attempt("approver", DEMO_PASSWORD)).toBe("RATE_LIMITED");
  });

  it("counts wrong passwords of real accounts like unknown logins", async () => {
    const users = ["viewer", "requester", "approver", "admin"] as const;
    // Four wrong passwords each stay below the lockout of a (address, login) pair.
    for (const user of users) for (let i = 0; i < 4; i++) expect(await attempt(user, `wrong-${i}`)).toBe("UNAUTHENTICATED");
    await spray(LOGIN_FAILURE_LIMIT - 4 * users.length);
    const limited = await failure(ATTACKER);
    expect(limited.message).toMatch(/^Too many failed logins from this address/);
    expect(limited.details.retryAt).toEqual(new Date(START + LOGIN_FAILURE_WINDOW_MS));
  });

  it("throttles by CF-Connecting-IP through the GraphQL endpoint (IPv6 per /64)", async () => {
    const call = (ip: string, password: string, loginName = "admin") => exportsFetch(ip, { login: loginName, password });
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) {
      expect(codes(await call(`2001:db8:1:2::${(i + 1).toString(16)}`, "wrong", `sprayed-${i}@acme.test`))).toEqual(["UNAUTHENTICATED"]);
    }
    const limited = await call("2001:db8:1:2:ffff::1", DEMO_PASSWORD);
    expect(codes(limited)).toEqual(["RATE_LIMITED"]);
    expect(limited.errors![0]!.extensions!.retryAt).toEqual(expect.any(String));
    expect(ok(await call("2001:db8:1:3::1", DEMO_PASSWORD)).login.user.id).toBe(DEMO_USER_IDS.admin);
    // Requests without the header (local) are a different key as well.
    expect(ok(await gql(LOGIN, { login: "admin", password: DEMO_PASSWORD })).login.user.id).toBe(DEMO_USER_IDS.admin);
  });
});

async function exportsFetch(ip: string, variables: Record<string, unknown>) {
  const response = await exports.default.fetch("http://fluxgate.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", "CF-Connecting-IP": ip },
    body: JSON.stringify({ query: LOGIN, variables }),
  });
  const body = (await response.json()) as { data?: any; errors?: { message: string; extensions?: { code?: string; retryAt?: string } }[] };
  return { status: response.status, data: body.data, errors: body.errors };
}

interface Outcome {
  code: string;
  message: string;
  retryAt: string | null;
}

async function outcome(loginName: string, password: string, address = ATTACKER): Promise<Outcome> {
  try {
    await login(deps, { login: loginName, password }, address);
    return { code: "OK", message: "", retryAt: null };
  } catch (error) {
    if (!(error instanceof ControlError)) throw error;
    return { code: error.code, message: error.message, retryAt: error.details.retryAt?.toISOString() ?? null };
  }
}

/** `count` wrong passwords for a login, one second apart, from the attacker's address. */
async function guesses(loginName: string, count: number, address = ATTACKER): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (let i = 0; i < count; i++) {
    outcomes.push(await outcome(loginName, `wrong-${i}`, address));
    clock += 1000;
  }
  return outcomes;
}

const INVALID = { code: "UNAUTHENTICATED", message: "Invalid username, email or password", retryAt: null };

describe("login lockout per address and login", () => {
  it("answers a known login with wrong passwords exactly as an unknown login, locked included", async () => {
    expect(LOCK_THRESHOLD).toBe(5);
    const known = await guesses("viewer", LOCK_THRESHOLD + 2);
    clock = START;
    const unknown = await guesses("nobody@acme.test", LOCK_THRESHOLD + 2, "192.0.2.44");
    const lockedUntil = new Date(START + (LOCK_THRESHOLD - 1) * 1000 + FIRST_LOCK_MS).toISOString();
    const locked = {
      code: "RATE_LIMITED", retryAt: lockedUntil,
      message: `Too many failed logins for this login from this address; retry after ${lockedUntil}`,
    };
    expect(known).toEqual([...Array(LOCK_THRESHOLD).fill(INVALID), locked, locked]);
    expect(unknown).toEqual(known);
  });

  it("locks out only the guessing address: the owner logs in from elsewhere meanwhile", async () => {
    await guesses("viewer", LOCK_THRESHOLD);
    expect((await outcome("viewer", DEMO_PASSWORD)).code).toBe("RATE_LIMITED");
    expect((await outcome("viewer", DEMO_PASSWORD, OWNER)).code).toBe("OK");
    // Other logins from the guessing address are not locked either (only throttled in bulk).
    expect((await outcome("admin", DEMO_PASSWORD)).code).toBe("OK");
  });

  it("doubles the lock with every further failure up to an hour; a success resets the pair", async () => {
    await guesses("viewer", LOCK_THRESHOLD);
    const lockAfterNextFailure = async (): Promise<number> => {
      clock += MAX_LOCK_MS; // past any lock
      const failedAt = clock;
      expect(await outcome("viewer", "wrong")).toEqual(INVALID);
      return Date.parse((await outcome("viewer", DEMO_PASSWORD)).retryAt!) - failedAt;
    };
    const minutes: number[] = [];
    for (let i = 0; i < 7; i++) minutes.push((await lockAfterNextFailure()) / 60_000);
    expect(minutes).toEqual([2, 4, 8, 16, 32, 60, 60]);
    clock += MAX_LOCK_MS;
    expect((await outcome("viewer", DEMO_PASSWORD)).code).toBe("OK");
    expect((await guesses("viewer", LOCK_THRESHOLD - 1)).every((o) => o.code === "UNAUTHENTICATED")).toBe(true);
    expect((await outcome("viewer", DEMO_PASSWORD)).code).toBe("OK");
  });

  it("answers a throttled address RATE_LIMITED with retryAt whether the login exists or not", async () => {
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) await outcome(`sprayed-${i}@acme.test`, "Winter2026!");
    const known = await outcome("admin", DEMO_PASSWORD);
    const unknown = await outcome("nobody@acme.test", DEMO_PASSWORD);
    expect(known.code).toBe("RATE_LIMITED");
    expect(known.retryAt).not.toBeNull();
    expect(unknown).toEqual(known);
  });

  it("counts a wrong current password in changePassword against the same pair", async () => {
    const session = await login(deps, { login: "viewer", password: DEMO_PASSWORD }, OWNER);
    const principal = { userId: session.userId, sessionId: "x" } as Parameters<typeof changePassword>[1];
    for (let i = 0; i < LOCK_THRESHOLD; i++) {
      await expect(changePassword(deps, principal, { currentPassword: `wrong-${i}`, newPassword: "a-new-long-password" }, ATTACKER))
        .rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    }
    await expect(changePassword(deps, principal, { currentPassword: DEMO_PASSWORD, newPassword: "a-new-long-password" }, ATTACKER))
      .rejects.toMatchObject({ code: "RATE_LIMITED" });
    expect((await outcome("viewer", DEMO_PASSWORD, OWNER)).code).toBe("OK");
  });
});
