// Rollout health from every flag's stage per environment: how many stages are live, waiting for a
// decision, refused or rolled back, how many flags are killed, and how far along the pipeline each
// flag is (its last live environment in pipeline order). Pure; the rollout dashboard draws it.
import { isLive } from "./stage-status";

export interface MatrixFlag {
  id: string;
  key: string;
  killSwitchEnabled: boolean;
  stages: { id: string; status: string; environment: { id: string } }[];
}

export interface RolloutHealth {
  stages: number;
  live: number;
  waiting: number;
  rejected: number;
  rolledBack: number;
  notDeployed: number;
  killed: number;
  /** Flags live in every environment of their pipeline (and not killed). */
  fullyRolledOut: number;
  flags: number;
}

export function rolloutHealth(flags: MatrixFlag[]): RolloutHealth {
  const health: RolloutHealth = { stages: 0, live: 0, waiting: 0, rejected: 0, rolledBack: 0, notDeployed: 0, killed: 0, fullyRolledOut: 0, flags: flags.length };
  for (const flag of flags) {
    if (flag.killSwitchEnabled) health.killed++;
    else if (flag.stages.length > 0 && flag.stages.every((s) => isLive(s.status))) health.fullyRolledOut++;
    for (const { status } of flag.stages) {
      health.stages++;
      if (status === "DEPLOYMENT_REQUESTED" || status === "ROLLBACK_REQUESTED") health.waiting++;
      if (isLive(status)) health.live++;
      else if (status === "DEPLOYMENT_REJECTED") health.rejected++;
      else if (status === "ROLLED_BACK") health.rolledBack++;
      else if (status === "NOT_DEPLOYED") health.notDeployed++;
    }
  }
  return health;
}

/** The last environment (in the given pipeline order) where the flag is live, or null. */
export function furthestLive(flag: MatrixFlag, environmentOrder: string[]): string | null {
  const live = new Set(flag.stages.filter((s) => isLive(s.status)).map((s) => s.environment.id));
  return [...environmentOrder].reverse().find((id) => live.has(id)) ?? null;
}

/** Hours as "40.5 h", or "3 d 4 h" from two days on; null as an em dash. */
export function formatHours(hours: number | null | undefined): string {
  if (hours === null || hours === undefined) return "—";
  if (hours < 48) return `${Math.round(hours * 10) / 10} h`;
  const days = Math.floor(hours / 24);
  return `${days} d ${Math.round(hours - days * 24)} h`;
}

/** A percentage with one decimal at most ("75 %", "66.7 %"), or an em dash. */
export function formatShare(value: number | null | undefined): string {
  return value === null || value === undefined ? "—" : `${Math.round(value * 10) / 10} %`;
}

/** Every stage in exactly one state, for the health chart (empty states left out). */
export function stageStateSlices(flags: MatrixFlag[]): { label: string; value: number }[] {
  const counts = new Map<string, number>([["Live", 0], ["Waiting for a decision", 0], ["Rejected", 0], ["Rolled back", 0], ["Not deployed", 0]]);
  const bucket = (status: string) => status === "DEPLOYMENT_REQUESTED" || status === "ROLLBACK_REQUESTED" ? "Waiting for a decision"
    : isLive(status) ? "Live" : status === "DEPLOYMENT_REJECTED" ? "Rejected" : status === "ROLLED_BACK" ? "Rolled back" : "Not deployed";
  for (const flag of flags) for (const { status } of flag.stages) counts.set(bucket(status), counts.get(bucket(status))! + 1);
  return [...counts].filter(([, value]) => value > 0).map(([label, value]) => ({ label, value }));
}
