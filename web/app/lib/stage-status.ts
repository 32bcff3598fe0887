// How a stage's deploy status reads in the console.
export function stageBadge(status: string, killed: boolean): { label: string; tone: "on" | "off" | "killed" | "pending" } {
  if (killed) return { label: "killed", tone: "killed" };
  switch (status) {
    case "DEPLOYED": return { label: "on", tone: "on" };
    case "DEPLOYMENT_REQUESTED": return { label: "deploy requested", tone: "pending" };
    case "ROLLBACK_REQUESTED": return { label: "rollback requested", tone: "pending" };
    case "ROLLED_BACK": return { label: "rolled back", tone: "off" };
    case "DEPLOYMENT_REJECTED": return { label: "deploy rejected", tone: "off" };
    case "ROLLBACK_REJECTED": return { label: "on (rollback rejected)", tone: "on" };
    default: return { label: "off", tone: "off" };
  }
}

const ENVIRONMENT_ORDER: Record<string, number> = { development: 0, staging: 1, production: 2 };

/** Environments in pipeline order (development, staging, production), then by name. */
export const byEnvironmentOrder = <T extends { type: string; name: string }>(a: T, b: T) =>
  (ENVIRONMENT_ORDER[a.type] ?? 3) - (ENVIRONMENT_ORDER[b.type] ?? 3) || a.name.localeCompare(b.name);

export const isLive = (status: string) => status === "DEPLOYED" || status === "ROLLBACK_REJECTED" || status === "ROLLBACK_REQUESTED";
