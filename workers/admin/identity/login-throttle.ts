// Password spraying protection: at most LOGIN_FAILURE_LIMIT failed logins per client address in any
// sliding LOGIN_FAILURE_WINDOW_MS, whatever usernames they name (lockout.ts guards each account on
// its own). It reuses the evaluation Worker's in-isolate throttle (data/auth-throttle.ts, approximate
// per isolate, no I/O) with its own limits. The instance lives in deps.isolateCache, so separate
// databases (tests) never share counters, and it reads the clock of the deps it is used with.
import { AuthFailureThrottle, AUTH_THROTTLE_MAX_ADDRESSES } from "../../evaluation/data/auth-throttle";
import type { ControlDeps } from "../core/deps";

export const LOGIN_FAILURE_LIMIT = 30;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60_000;

const CACHE_KEY = "login-failure-throttle";

interface Entry {
  throttle: AuthFailureThrottle;
  clock: () => Date;
}

/** The isolate's login-failure throttle for this deps' database, clocked by `deps.now`. */
export function loginFailureThrottle(deps: ControlDeps): AuthFailureThrottle {
  let entry = deps.isolateCache.get(CACHE_KEY) as Entry | undefined;
  if (!entry) {
    const created: Entry = {
      clock: deps.now,
      throttle: new AuthFailureThrottle(LOGIN_FAILURE_LIMIT, LOGIN_FAILURE_WINDOW_MS, AUTH_THROTTLE_MAX_ADDRESSES,
        () => created.clock().getTime()),
    };
    deps.isolateCache.set(CACHE_KEY, (entry = created));
  }
  entry.clock = deps.now;
  return entry.throttle;
}
