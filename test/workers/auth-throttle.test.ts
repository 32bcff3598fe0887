// Brute-force protection: at most 20 unknown credentials per client address in a sliding 60 s;
// beyond that 429 with Retry-After, while verified clients, other addresses and requests without a
// credential are unaffected. The sliding window runs on an injected clock; the HTTP tests drive the
// Worker's own throttle with distinct CF-Connecting-IP addresses.
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  AuthFailureThrottle, authFailureThrottle, clientAddress, AUTH_FAILURE_LIMIT, AUTH_FAILURE_WINDOW_MS,
} from "../../workers/evaluation/data/auth-throttle";
import { authenticateClient, clearClientCache } from "../../workers/evaluation/data/client-auth";
import { ApiError } from "../../workers/evaluation/data/errors";
import { seedDemo } from "./support/seed-demo";
import { call, DEV_SECRET, ofrep, SINGLE } from "./api-support";

beforeAll(async () => {
  await seedDemo(env);
});

afterEach(() => {
  authFailureThrottle.clear();
});

function clocked(maxAddresses?: number) {
  const clock = { now: 5_000_000 };
  return { clock, throttle: new AuthFailureThrottle(20, 60_000, maxAddresses, () => clock.now) };
}

describe("AuthFailureThrottle", () => {
  it("allows 20 failures in a window, then asks to wait until the oldest leaves it", () => {
    const { clock, throttle } = clocked();
    const start = clock.now;
    for (let i = 0; i < 20; i++) {
      expect(throttle.retryAfterSeconds("a")).toBe(0);
      throttle.recordFailure("a");
      clock.now += 1_000;
    }
    clock.now = start + 19_000;
    expect(throttle.retryAfterSeconds("a")).toBe(41);
    clock.now = start + 59_001;
    expect(throttle.retryAfterSeconds("a")).toBe(1);
  });

  it("frees one attempt each time a failure leaves the sliding window", () => {
    const { clock, throttle } = clocked();
    const start = clock.now;
    for (let i = 0; i < 20; i++, clock.now += 1_000) throttle.recordFailure("a");
    clock.now = start + 60_000;
    expect(throttle.retryAfterSeconds("a")).toBe(0);
    throttle.recordFailure("a");
    expect(throttle.retryAfterSeconds("a")).toBe(1);
    clock.now = start + 61_000;
    expect(throttle.retryAfterSeconds("a")).toBe(0);
  });

  it("starts counting afresh after a full window without failures", () => {
    const { clock, throttle } = clocked();
    for (let i = 0; i < 20; i++) throttle.recordFailure("a");
    expect(throttle.retryAfterSeconds("a")).toBe(60);
    clock.now += 60_000;
    expect(throttle.retryAfterSeconds("a")).toBe(0);
    for (let i = 0; i < 19; i++) throttle.recordFailure("a");
    expect(throttle.retryAfterSeconds("a")).toBe(0);
    throttle.recordFailure("a");
    expect(throttle.retryAfterSeconds("a")).toBe(60);
  });

  it("counts each address separately and forgets the least recently failing beyond its bound", () => {
    const { throttle } = clocked(3);
    for (let i = 0; i < 20; i++) throttle.recordFailure("a");
    throttle.recordFailure("b");
    throttle.recordFailure("c");
    expect(throttle.retryAfterSeconds("b")).toBe(0);
    throttle.recordFailure("a"); // a failed most recently; b is now the least recent
    throttle.recordFailure("d");
    expect(throttle.size).toBe(3);
    expect(throttle.retryAfterSeconds("a")).toBe(60);
    for (let i = 0; i < 19; i++) throttle.recordFailure("b");
    expect(throttle.retryAfterSeconds("b")).toBe(0); // b started again from zero
  });
});

describe("clientAddress", () => {
  const of = (ip?: string) => clientAddress(new Headers(ip === undefined ? {} : { "CF-Connecting-IP": ip }));

  it("keys IPv4 by address and IPv6 by its /64, which one host can rotate through", () => {
    expect(of("192.0.2.10")).toBe("192.0.2.10");
    expect(of("2001:DB8:0:0:1::5")).toBe("2001:db8:0:0");
    expect(of("2001:db8::abcd")).toBe("2001:db8:0:0");
    expect(of("2001:0db8:0000:0000:ffff:ffff:ffff:ffff")).toBe("2001:db8:0:0");
    expect(of("2001:db8:0:1::1")).toBe("2001:db8:0:1");
    expect(of("::ffff:192.0.2.10")).toBe("::ffff:192.0.2.10");
  });

  it("uses one shared key without the header (local development)", () => {
    expect(of()).toBe("local");
  });
});

describe("authenticateClient with a throttle", () => {
  it("throws 429 TOO_MANY_REQUESTS after 20 unknown credentials, and 401 again once the window passed", async () => {
    const { clock, throttle } = clocked();
    const headers = (secret: string) => new Headers({ Authorization: `Bearer ${secret}`, "CF-Connecting-IP": "192.0.2.1" });
    const failure = (secret: string) => authenticateClient(env.FLAGS_KV, headers(secret), throttle).catch((e: unknown) => e);
    for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) expect(await failure(`fg_guess_a${i}`)).toMatchObject({ status: 401 });
    const refused = await failure("fg_guess_a20");
    expect(refused).toBeInstanceOf(ApiError);
    expect(refused).toMatchObject({ status: 429, code: "TOO_MANY_REQUESTS", headers: { "Retry-After": "60" } });
    clock.now += AUTH_FAILURE_WINDOW_MS;
    expect(await failure("fg_guess_a21")).toMatchObject({ status: 401, code: "UNAUTHORIZED" });
  });
});

/** Sends 20 distinct unknown credentials from `ip`, each answered 401. */
async function exhaust(ip: string): Promise<void> {
  for (let i = 0; i < AUTH_FAILURE_LIMIT; i++) {
    const res = await ofrep("BetaUsers", {}, { secret: `fg_guess_${ip}_${i}`, headers: { "CF-Connecting-IP": ip } });
    expect(res.status).toBe(401);
  }
}

describe("the evaluation routes", () => {
  it("answer the 21st unknown credential from one address with 429, Retry-After and the route's error shape", async () => {
    const ip = "198.51.100.7";
    await exhaust(ip);
    const from = { "CF-Connecting-IP": ip };
    const res = await ofrep("BetaUsers", {}, { secret: "fg_guess_21", headers: from });
    expect(res.status).toBe(429);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    const retryAfter = res.headers.get("Retry-After")!;
    expect(retryAfter).toMatch(/^[1-9][0-9]*$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(59);
    expect(Number(retryAfter)).toBeLessThanOrEqual(60);
    expect(res.json).toEqual({
      key: "BetaUsers", errorCode: "TOO_MANY_REQUESTS",
      errorDetails: `too many requests with unknown credentials from this address; retry after ${retryAfter} s`,
    });

    const bulk = await call(SINGLE, { secret: "fg_guess_22", body: { context: {} }, headers: from });
    expect(bulk.status).toBe(429);
    expect(bulk.json.errorCode).toBe("TOO_MANY_REQUESTS");
    const evaluate = await call("/evaluate", { secret: "fg_guess_23", body: { flagKey: "BetaUsers" }, headers: from });
    expect(evaluate.status).toBe(429);
    expect(evaluate.json.error.code).toBe("TOO_MANY_REQUESTS");
    expect(Number(evaluate.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
  });

  it("keep serving verified clients, other addresses and requests without a credential", async () => {
    const ip = "198.51.100.8";
    const from = { "CF-Connecting-IP": ip };
    expect((await ofrep("BetaUsers", {}, { headers: from })).status).toBe(200);
    await exhaust(ip);
    expect((await ofrep("BetaUsers", {}, { secret: "fg_guess_more", headers: from })).status).toBe(429);

    expect((await ofrep("BetaUsers", { role: "admin" }, { headers: from })).json).toMatchObject({ value: true });
    expect((await ofrep("BetaUsers", {}, { secret: "fg_guess_more", headers: { "CF-Connecting-IP": "198.51.100.9" } })).status).toBe(401);
    const missing = await ofrep("BetaUsers", {}, { secret: null, headers: from });
    expect(missing.status).toBe(401);
    expect(missing.headers.get("Retry-After")).toBeNull();
  });

  it("refuse a credential this isolate has not verified, unchecked, while the address is throttled", async () => {
    const ip = "198.51.100.10";
    const from = { "CF-Connecting-IP": ip };
    await exhaust(ip);
    clearClientCache();
    expect((await ofrep("BetaUsers", {}, { secret: DEV_SECRET, headers: from })).status).toBe(429);
    expect((await ofrep("BetaUsers", {}, { secret: DEV_SECRET, headers: { "CF-Connecting-IP": "198.51.100.11" } })).status).toBe(200);
    expect((await ofrep("BetaUsers", {}, { secret: DEV_SECRET, headers: from })).status).toBe(200);
  });
});
