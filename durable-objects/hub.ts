// The typed way to reach an environment's Durable Object. TypeScript's RPC stub types recurse
// through FlagSetDocument's JsonValue until the checker gives up ("Type instantiation is
// excessively deep", TS2589), so callers see the object through its EnvironmentHub contract.
import type { EnvironmentHub } from "../protocol/delivery";
import type { Env } from "../workers/env";

/** The object of `environmentId`, addressed by name (the object reads its id from ctx.id.name). */
export function environmentHub(env: Pick<Env, "ENVIRONMENTS">, environmentId: string): EnvironmentHub {
  return env.ENVIRONMENTS.getByName(environmentId) as unknown as EnvironmentHub;
}
