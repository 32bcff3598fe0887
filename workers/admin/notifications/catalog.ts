// The events the control plane emits, one builder per notification type, with their audiences
// (who email and SMS reach; webhooks always get every enabled type):
//   feature_created          team admins
//   stage_change_requested   the request's eligible approvers (frozen at request time)
//   stage_change_approved    the requester
//   approval_rejected        the requester
//   feature_deployed         team admins and the stage's requester
//   feature_rolled_back      team admins and the stage's requester
//   team_created             team admins (a new team has no channels yet: nothing is queued)
//   user_added_to_team       the added user and team admins
//   kill_switch_activated    team admins
//   kill_switch_deactivated  team admins (also after an automatic rollback, actor "system")
import type { JsonValue } from "../../../engine/types";
import { ADMINS, notificationEvent, type NotificationEvent } from "./event";

interface FeatureRef { id: string; teamId: string; key: string }
interface RequestRef { id: string; teamId: string; featureId: string; environmentId: string; action: string; requestedBy: string; eligibleUserIds: string[] }

export const featureCreated = (feature: FeatureRef, actor: string, at: Date): NotificationEvent =>
  notificationEvent(feature.teamId, "feature_created", `${actor} created the feature ${feature.key}`,
    { featureId: feature.id, featureKey: feature.key }, ADMINS, actor, at);

const requestData = (request: RequestRef, featureKey: string, environmentKey: string): Record<string, JsonValue> => ({
  requestId: request.id, action: request.action, featureId: request.featureId, featureKey,
  environmentId: request.environmentId, environmentKey,
});

export const stageChangeRequested = (request: RequestRef, featureKey: string, environmentKey: string, actor: string, at: Date) =>
  notificationEvent(request.teamId, "stage_change_requested", `${actor} requests ${request.action} of ${featureKey} in ${environmentKey}`,
    requestData(request, featureKey, environmentKey), { userIds: request.eligibleUserIds }, actor, at);

export const stageChangeApproved = (request: RequestRef, featureKey: string, environmentKey: string, actor: string, at: Date) =>
  notificationEvent(request.teamId, "stage_change_approved", `${actor} approved the ${request.action} of ${featureKey} in ${environmentKey}`,
    requestData(request, featureKey, environmentKey), { userIds: [request.requestedBy] }, actor, at);

export const approvalRejected = (request: RequestRef, featureKey: string, environmentKey: string, actor: string, at: Date) =>
  notificationEvent(request.teamId, "approval_rejected", `${actor} rejected the ${request.action} of ${featureKey} in ${environmentKey}`,
    requestData(request, featureKey, environmentKey), { userIds: [request.requestedBy] }, actor, at);

export function stageApplied(
  feature: FeatureRef, stage: { id: string; environmentId: string; environmentKey: string; requestedBy: string | null },
  status: "DEPLOYED" | "ROLLED_BACK", actor: string, at: Date,
): NotificationEvent {
  const deployed = status === "DEPLOYED";
  return notificationEvent(feature.teamId, deployed ? "feature_deployed" : "feature_rolled_back",
    `${feature.key} was ${deployed ? "deployed" : "rolled back"} in ${stage.environmentKey} by ${actor}`,
    { featureId: feature.id, featureKey: feature.key, stageId: stage.id, environmentId: stage.environmentId, environmentKey: stage.environmentKey },
    { roles: ["team_admin"], userIds: stage.requestedBy ? [stage.requestedBy] : [] }, actor, at);
}

export const teamCreated = (team: { id: string; name: string }, actor: string, at: Date) =>
  notificationEvent(team.id, "team_created", `${actor} created the team ${team.name}`, { teamId: team.id, teamName: team.name }, ADMINS, actor, at);

export const userAddedToTeam = (teamId: string, userId: string, login: string, role: string, actor: string, at: Date) =>
  notificationEvent(teamId, "user_added_to_team", `${actor} added ${login} to the team as ${role}`,
    { userId, role }, { userIds: [userId], roles: ["team_admin"] }, actor, at);

export function killSwitchChanged(
  feature: FeatureRef, active: boolean, detail: { reason: string | null; rollbackAt: Date | null }, actor: string, at: Date,
): NotificationEvent {
  return notificationEvent(feature.teamId, active ? "kill_switch_activated" : "kill_switch_deactivated",
    active
      ? `${actor} engaged the kill switch of ${feature.key}${detail.rollbackAt ? ` until ${detail.rollbackAt.toISOString()}` : ""}`
      : `The kill switch of ${feature.key} was released by ${actor}`,
    { featureId: feature.id, featureKey: feature.key, reason: detail.reason, rollbackAt: detail.rollbackAt?.toISOString() ?? null },
    ADMINS, actor, at);
}
