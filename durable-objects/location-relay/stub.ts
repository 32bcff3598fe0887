// The typed way to reach a location relay (see hub.ts for why stubs are typed through a contract):
// expected failures come back as values and are thrown here as DeliveryErrors.
import type { SyncAnswer, SyncRequest } from "../../protocol/count-batch";
import type { Env } from "../../workers/env";
import { unwrapDelivered, type Delivered } from "../delivery-error";
import { relayName } from "./relay-name";

export interface RelayRpc {
  sync(request: SyncRequest): Promise<Delivered<SyncAnswer>>;
}

export interface Relay {
  sync(request: SyncRequest): Promise<SyncAnswer>;
}

export function locationRelay(env: Pick<Env, "LOCATION_RELAYS">, environmentId: string, location: string): Relay {
  const stub = env.LOCATION_RELAYS.getByName(relayName(environmentId, location)) as unknown as RelayRpc;
  return { sync: async (request) => unwrapDelivered(await stub.sync(request)) };
}
