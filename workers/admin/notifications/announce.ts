// Change notices for event subscribers (the OFREP SSE bridge ignores them; GraphQL subscriptions
// killSwitchChanges / approvalRequests read them), sent through deps.announce to the environment
// objects AFTER the change is committed. Flag changes need no announcing: every publish that bumps
// a version emits flags_changed by itself. An announce is a notice, not the change: a failure is
// logged and never fails the mutation (subscribers can always re-read the state).
import type { ApprovalRequestEvent, DeliveryEvent, KillSwitchEvent } from "../../../protocol/stream";
import type { ControlDeps } from "../core/deps";

export async function announceAll(deps: ControlDeps, events: DeliveryEvent[]): Promise<void> {
  const settled = await Promise.allSettled(events.map((event) => deps.announce(event)));
  settled.forEach((result, index) => {
    if (result.status === "rejected") {
      const event = events[index]!;
      deps.log.warn("announce failed (the change itself is committed)", { type: event.type, environmentId: event.environmentId, error: String(result.reason) });
    }
  });
}

/** A kill switch engaged or released: one event per environment of the feature, sharing `at`. */
export function announceKillSwitch(
  deps: ControlDeps,
  feature: { id: string; key: string },
  environmentIds: Iterable<string>,
  change: { engaged: boolean; rollbackAt: Date | null; at: Date },
): Promise<void> {
  const events: KillSwitchEvent[] = [...new Set(environmentIds)].map((environmentId) => ({
    type: "kill_switch", environmentId, featureId: feature.id, featureKey: feature.key, engaged: change.engaged,
    rollbackAt: change.rollbackAt?.toISOString() ?? null, at: change.at.toISOString(),
  }));
  return announceAll(deps, events);
}

/** An approval request created or moved to `status`, announced to its environment's object. */
export function announceApprovalRequest(
  deps: ControlDeps,
  request: { id: string; teamId: string; environmentId: string; featureId: string },
  featureKey: string,
  status: string,
  at: Date,
): Promise<void> {
  const event: ApprovalRequestEvent = {
    type: "approval_request", environmentId: request.environmentId, teamId: request.teamId, requestId: request.id,
    featureId: request.featureId, featureKey, status, at: at.toISOString(),
  };
  return announceAll(deps, [event]);
}
