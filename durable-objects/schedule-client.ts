// How control services reach an environment object's schedule (through ControlDeps.scheduler).
import type { Env } from "../workers/env";
import type { ScheduleHub, ScheduleItem } from "./schedule-store";

export interface Scheduler {
  /** Runs the item from `environmentId`'s alarm at item.runAt (at least once). */
  schedule(environmentId: string, item: ScheduleItem): Promise<void>;
  cancel(environmentId: string, id: string): Promise<void>;
}

const hubOf = (env: Pick<Env, "ENVIRONMENTS">, environmentId: string) =>
  env.ENVIRONMENTS.getByName(environmentId) as unknown as ScheduleHub;

export function environmentScheduler(env: Pick<Env, "ENVIRONMENTS">): Scheduler {
  return {
    schedule: (environmentId, item) => hubOf(env, environmentId).schedule(item),
    cancel: (environmentId, id) => hubOf(env, environmentId).cancelSchedule(id),
  };
}
