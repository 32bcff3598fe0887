// Durable Object storage persists for a whole test file; these helpers give each test a fresh
// environment object (and fresh relays for it) without leaving the real runtime.
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { EnvironmentObject } from "../../../durable-objects/environment-do";

type Namespace = DurableObjectNamespace<EnvironmentObject>;

/** The relays an environment object has registered (its `relays` table). */
export async function registeredRelays(namespace: Namespace, environmentId: string): Promise<string[]> {
  return runInDurableObject(namespace.getByName(environmentId), (_instance: EnvironmentObject, state) => {
    const exists = state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'relays'").one().n;
    return exists ? state.storage.sql.exec<{ name: string }>("SELECT name FROM relays ORDER BY name").toArray().map((r) => r.name) : [];
  });
}

/**
 * Erases the objects' storage and alarms (and their relays'), then restarts every object so no memory survives.
 * Objects are aborted first as well: work the previous test left running (a publish from a mutation's
 * waitUntil) ends before its storage is erased, instead of writing what it read into the fresh storage.
 */
export async function resetEnvironmentObjects(namespace: Namespace, environmentIds: readonly string[]): Promise<void> {
  await abortAllDurableObjects();
  for (const id of environmentIds) {
    for (const relay of await registeredRelays(namespace, id)) {
      await runInDurableObject(env.RELAYS.getByName(relay), async (_instance, state) => {
        await state.storage.deleteAll();
      });
    }
    await runInDurableObject(namespace.getByName(id), async (_instance: EnvironmentObject, state) => {
      await state.storage.deleteAlarm();
      await state.storage.deleteAll();
    });
  }
  await abortAllDurableObjects();
}
