// Durable Object storage persists for a whole test file; these helpers give each test a fresh
// environment object without leaving the real runtime.
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import type { EnvironmentObject } from "../../../durable-objects/environment-do";

type Namespace = DurableObjectNamespace<EnvironmentObject>;

/** Erases the objects' storage and alarms, then restarts every object so no memory survives. */
export async function resetEnvironmentObjects(namespace: Namespace, environmentIds: readonly string[]): Promise<void> {
  for (const id of environmentIds) {
    await runInDurableObject(namespace.getByName(id), async (_instance: EnvironmentObject, state) => {
      await state.storage.deleteAlarm();
      await state.storage.deleteAll();
    });
  }
  await abortAllDurableObjects();
}
