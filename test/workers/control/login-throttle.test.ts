// Failed logins are throttled per client address (password spraying across many usernames), on
// top of the per-account lockout: LOGIN_FAILURE_LIMIT failures per LOGIN_FAILURE_WINDOW_MS.
import { env, exports } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, DEMO_USER_IDS } from "../../../db/seed/demo-data";
import { controlDeps, type ControlDeps } from "../../../workers/admin/core/deps";
import { ControlError } from "../../../workers/admin/core/errors";
import { LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_MS } from "../../../workers/admin/identity/login-throttle";
import { login } from "../../../workers/admin/identity/sessions";
import { codes, gql, ok } from "./support/graphql";
import { LOGIN, reseedControl } from "./support/sessions";

const START = Date.UTC(2026, 5, 1, 12, 0, 0);
const ATTACKER = "203.0.113.7";
const OTHER = "198.51.100.9";

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
    // The right password was not checked: the account's own counter is untouched.
    const row = await env.DB.prepare("SELECT failed_login_count, last_login_at FROM users WHERE id = ?").bind(DEMO_USER_IDS.admin).first();
    expect(row).toEqual({ failed_login_count: 0, last_login_at: null });
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

  it("counts wrong passwords of real accounts, including the one that locks an account", async () => {
    const users = ["viewer", "requester", "approver", "admin"] as const;
    const seen: string[] = [];
    for (let i = 0; i < LOGIN_FAILURE_LIMIT; i++) seen.push(await attempt(users[i % users.length]!, `wrong-${i}`));
    expect(new Set(seen)).toEqual(new Set(["UNAUTHENTICATED", "RATE_LIMITED"]));
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
