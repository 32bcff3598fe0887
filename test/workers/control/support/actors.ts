// Tokens of every role for a test, logged in lazily once per reseed, and a fresh start of D1, KV
// and the environment objects (their schedules included) for the governance tests.
import { env } from "cloudflare:workers";
import { DEMO_ENVIRONMENT_IDS } from "../../../../db/seed/demo-data";
import { resetEnvironmentObjects } from "../../support/environment-objects";
import { loginAs, reseedControl, type Role } from "./sessions";

export const ALL_ROLES: Role[] = ["admin", "teamadmin", "approver", "requester", "viewer", "outsider"];

let tokens = new Map<Role, Promise<string>>();

/** The access token of `role` (logged in once per `freshStart`). */
export function tokenOf(role: Role): Promise<string> {
  let token = tokens.get(role);
  if (!token) tokens.set(role, (token = loginAs(role).then((session) => session.accessToken)));
  return token;
}

/** Pristine demo data (plus the outsider), no scheduled items, no cached tokens. */
export async function freshStart(): Promise<void> {
  await resetEnvironmentObjects(env.ENVIRONMENTS, Object.values(DEMO_ENVIRONMENT_IDS));
  await reseedControl();
  tokens = new Map();
}

/** The schedule items stored in an environment object. */
export async function scheduleOf(environmentId: string): Promise<{ id: string; runAt: number; attempts: number }[]> {
  const { runInDurableObject } = await import("cloudflare:test");
  return runInDurableObject(env.ENVIRONMENTS.getByName(environmentId), (_instance, state) =>
    state.storage.sql.exec<{ id: string; run_at: number; attempts: number }>("SELECT id, run_at, attempts FROM schedule ORDER BY run_at")
      .toArray().map((row) => ({ id: row.id, runAt: row.run_at, attempts: row.attempts })));
}

/**
 * Makes the object's stored items due (every one, or only `ids`) and runs its alarm; true when there
 * were items and each of them left the schedule (ran: done, failed and blocked all do; an item whose
 * run threw stays, retried later), false with nothing stored to run. The same alarm flushes KV and evaluation counts: while the runtime is running it
 * for that, no alarm is armed, so `runDurableObjectAlarm` alone would do nothing (and the running
 * alarm may or may not have seen the items due). So this waits, at most 5 s each, for an armed
 * alarm or the items gone, runs the alarm, then for the items to leave while they are still due.
 */
export async function runSchedule(environmentId: string, ids?: string[]): Promise<boolean> {
  const { runDurableObjectAlarm, runInDurableObject } = await import("cloudflare:test");
  const object = () => env.ENVIRONMENTS.getByName(environmentId);
  const made = await runInDurableObject(object(), (_instance, state) => {
    const chosen = ids ?? state.storage.sql.exec<{ id: string }>("SELECT id FROM schedule").toArray().map((row) => row.id);
    for (const id of chosen) state.storage.sql.exec("UPDATE schedule SET run_at = ? WHERE id = ?", Date.now() - 1000, id);
    return chosen;
  });
  if (made.length === 0) return false;
  const state = () => runInDurableObject(object(), async (_instance, s) => {
    const rows = s.storage.sql.exec<{ id: string; run_at: number }>("SELECT id, run_at FROM schedule").toArray().filter((row) => made.includes(row.id));
    return { armed: (await s.storage.getAlarm()) !== null, stored: rows.length, due: rows.filter((row) => row.run_at <= Date.now()).length };
  });
  const pause = () => new Promise((resolve) => setTimeout(resolve, 100));
  for (let attempt = 0; attempt < 50; attempt++) {
    const { armed, stored } = await state();
    if (stored === 0) return true;
    if (armed) break;
    await pause();
  }
  await runDurableObjectAlarm(object());
  for (let attempt = 0; attempt < 50 && (await state()).due > 0; attempt++) await pause();
  return (await state()).stored === 0;
}

/** Makes every stored item of the object due now (as if its time had come). */
export async function makeScheduleDue(environmentId: string): Promise<void> {
  const { runInDurableObject } = await import("cloudflare:test");
  await runInDurableObject(env.ENVIRONMENTS.getByName(environmentId), (_instance, state) => {
    state.storage.sql.exec("UPDATE schedule SET run_at = ?", Date.now() - 1000);
  });
}

/** Polls `read` until `accept` holds (bounded: 40 tries, 50 ms apart); returns the last value. */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let attempt = 0; attempt < 40 && !accept(value); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}
