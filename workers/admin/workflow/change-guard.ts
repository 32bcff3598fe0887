// The gate every direct change to what a stage serves passes through (rules, default/off variant,
// deploy state, scheduled changes, version rollback). Protected environments, those covered by an
// enabled approval policy, only change through an approved request, never directly, whoever asks;
// freeze windows block every change unless a team admin (or system admin) overrides with a reason,
// which the caller then records in its audit row.
import { z } from "zod";
import type { Principal } from "../identity/authz";
import type { ControlDeps } from "../core/deps";
import { ControlError } from "../core/errors";
import { governanceOf, type ActiveFreeze, type Governance } from "../governance/governance";
import { parseInput } from "../core/validation";

export const APPROVAL_REQUIRED = "APPROVAL_REQUIRED";
export const FROZEN = "FROZEN";

export interface DirectChangeScope {
  teamId: string;
  environmentId: string;
  featureId: string;
  /** Overrides an active freeze window; only team admins and system admins may. */
  freezeOverrideReason?: string | null;
}

/** A freeze window was overridden: put `reason` (and the windows) in the change's audit row. */
export interface FreezeOverride {
  reason: string;
  freezeWindowIds: string[];
}

export interface DirectChangeClearance {
  freezeOverride: FreezeOverride | null;
}

const overrideReason = z.string().trim().min(1, "a freeze override needs a reason").max(500);

export const approvalRequired = (environmentName: string, policyName: string) => new ControlError(
  "FORBIDDEN",
  `Environment "${environmentName}" is protected by the approval policy "${policyName}": request the change for approval instead`,
  { reason: APPROVAL_REQUIRED },
);

/**
 * Resolves when the change may be made directly; returns the freeze override to audit, if any.
 * FORBIDDEN (reason APPROVAL_REQUIRED) in a protected environment; CONFLICT (reason FROZEN) during
 * an active freeze without an override; FORBIDDEN (reason FROZEN) for an override by a non-admin.
 */
export async function assertDirectChangeAllowed(
  deps: ControlDeps, principal: Principal, scope: DirectChangeScope,
): Promise<DirectChangeClearance> {
  const governance = await governanceOf(deps, scope.teamId, scope.environmentId);
  if (governance.policy) throw approvalRequired(governance.environment.name, governance.policy.name);
  return { freezeOverride: checkFreeze(governance, principal, scope.teamId, scope.freezeOverrideReason) };
}

/**
 * The freeze half of the guard, also used when an approved request is applied (an approval does
 * not lift a freeze). Null when no freeze is active.
 */
export function checkFreeze(
  governance: Pick<Governance, "activeFreezes" | "environment">, principal: Principal | null, teamId: string,
  freezeOverrideReason: string | null | undefined,
): FreezeOverride | null {
  const freezes = governance.activeFreezes;
  if (freezes.length === 0) return null;
  if (freezeOverrideReason === undefined || freezeOverrideReason === null) throw frozen(governance.environment.name, freezes);
  const reason = parseInput(overrideReason, freezeOverrideReason, "freezeOverrideReason");
  const isAdmin = principal !== null && (principal.isSystemAdmin || principal.memberships.get(teamId) === "team_admin");
  if (!isAdmin) {
    throw new ControlError("FORBIDDEN", "Only a team admin or a system admin may override a freeze window", { reason: FROZEN });
  }
  return { reason, freezeWindowIds: freezes.map((freeze) => freeze.id) };
}

/** The error of a change stopped by a freeze (also the reason a preview reports BLOCKED). */
export function frozen(environmentName: string, freezes: readonly ActiveFreeze[]): ControlError {
  const until = new Date(Math.max(...freezes.map((freeze) => freeze.occurrence.endsAt.getTime()))).toISOString();
  const names = freezes.map((freeze) => `"${freeze.name}"`).join(", ");
  return new ControlError(
    "CONFLICT",
    `Environment "${environmentName}" is frozen by ${names} until ${until}; a team admin may override with a reason`,
    { reason: FROZEN },
  );
}

/**
 * The guard for feature-wide changes (variant values, prerequisites, metadata that evaluation
 * reads): they change what every stage serves, so every environment of the feature must allow a
 * direct change. Returns the freeze override (covering every frozen environment) if any.
 */
export async function assertFeatureChangeAllowed(
  deps: ControlDeps, principal: Principal,
  scope: { teamId: string; featureId: string; environmentIds: readonly string[]; freezeOverrideReason?: string | null },
): Promise<DirectChangeClearance> {
  const overrides: FreezeOverride[] = [];
  for (const environmentId of new Set(scope.environmentIds)) {
    const { freezeOverride } = await assertDirectChangeAllowed(deps, principal, { ...scope, environmentId });
    if (freezeOverride) overrides.push(freezeOverride);
  }
  if (overrides.length === 0) return { freezeOverride: null };
  const freezeWindowIds = [...new Set(overrides.flatMap((override) => override.freezeWindowIds))];
  return { freezeOverride: { reason: overrides[0]!.reason, freezeWindowIds } };
}
