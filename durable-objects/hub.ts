// The typed way to reach an environment's Durable Object. TypeScript's RPC stub types recurse
// through FlagSetDocument's JsonValue until the checker gives up ("Type instantiation is
// excessively deep", TS2589), so callers see the object through its EnvironmentHub contract.
// The object answers expected failures as values (delivery-error.ts `Delivered`, so workerd does
// not log them as uncaught exceptions); here they become DeliveryErrors again, thrown in the caller.
import type { EnvironmentHub } from "../protocol/delivery";
import type { Env } from "../workers/env";
import { unwrapDelivered, type Delivered } from "./delivery-error";

/** The EnvironmentHub methods that can fail with a DeliveryError (unknown environment, retire refused). */
type FallibleMethod = "publish" | "getSnapshot" | "getSnapshotIfChanged" | "sync" | "retire";

/** What the environment object itself offers over RPC. */
export type EnvironmentObjectRpc = {
  [K in FallibleMethod]: (...args: Parameters<EnvironmentHub[K]>) => Promise<Delivered<Awaited<ReturnType<EnvironmentHub[K]>>>>;
} & Omit<EnvironmentHub, FallibleMethod>;

/** The object of `environmentId`, addressed by name (the object reads its id from ctx.id.name). */
export function environmentHub(env: Pick<Env, "ENVIRONMENTS">, environmentId: string): EnvironmentHub {
  const stub = env.ENVIRONMENTS.getByName(environmentId) as unknown as EnvironmentObjectRpc;
  return {
    publish: async () => unwrapDelivered(await stub.publish()),
    getSnapshot: async () => unwrapDelivered(await stub.getSnapshot()),
    getSnapshotIfChanged: async (version, contentHash) => unwrapDelivered(await stub.getSnapshotIfChanged(version, contentHash)),
    sync: async (request) => unwrapDelivered(await stub.sync(request)),
    retire: async () => unwrapDelivered(await stub.retire()),
    announce: (event) => stub.announce(event),
    revokeUser: (userId) => stub.revokeUser(userId),
  };
}
