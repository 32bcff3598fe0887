// What the admin API calls after committing a D1 batch: tell the affected environments' objects
// to rebuild (or, for a deleted environment, to erase themselves). Failures come back as typed DeliveryErrors where the object raised one.
import type { PublishResult } from "../protocol/delivery";
import type { Env } from "../workers/env";
import { asDeliveryError } from "./delivery-error";
import { environmentHub } from "./hub";

type DeliveryEnv = Pick<Env, "ENVIRONMENTS">;

export async function publishEnvironment(env: DeliveryEnv, environmentId: string): Promise<PublishResult> {
  try {
    return await environmentHub(env, environmentId).publish();
  } catch (error) {
    throw asDeliveryError(error) ?? error;
  }
}

/**
 * Publishes each distinct environment, in parallel (one object each). Rejects with the first
 * failure after every publish has settled, so one bad environment never stops the others.
 */
export async function publishEnvironments(env: DeliveryEnv, environmentIds: Iterable<string>): Promise<PublishResult[]> {
  const settled = await Promise.allSettled([...new Set(environmentIds)].map((id) => publishEnvironment(env, id)));
  const failure = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failure) throw failure.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<PublishResult>).value);
}

/** Erases a deleted environment's object storage and KV entries (EnvironmentHub.retire). */
export async function retireEnvironment(env: DeliveryEnv, environmentId: string): Promise<void> {
  try {
    await environmentHub(env, environmentId).retire();
  } catch (error) {
    throw asDeliveryError(error) ?? error;
  }
}
