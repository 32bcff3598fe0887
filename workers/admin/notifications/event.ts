// A notification event: what happened, in one team, and who should hear about it. Services build
// events with the helpers below and pass them to `commit` (`notifications`), which writes them to
// the outbox in the same D1 batch as the change itself.
import type { NotificationType, TeamRole } from "../../../db/schema";
import type { JsonValue } from "../../../engine/types";

/**
 * Who email and SMS go to (webhooks go to the team's endpoint, whoever the audience is): the
 * listed users plus every member holding one of the roles. Resolved when sending, among the
 * team's enabled members, so a user removed meanwhile is no longer notified.
 */
export interface Audience {
  userIds?: string[];
  roles?: TeamRole[];
  /** The listed users even when they are not members (a system admin's own test send). */
  direct?: boolean;
}

export interface NotificationEvent {
  id: string;
  teamId: string;
  type: NotificationType;
  /** One line, for email subjects, SMS and Slack. */
  subject: string;
  /** Entity ids and keys, for machines (the webhook body's `data`). */
  data: Record<string, JsonValue>;
  audience: Audience;
  /** Username of whoever caused it ("system" for alarms). */
  actor: string;
  occurredAt: string;
}

/** The payload column: the event minus its routing ids (team, type, id live in their own columns). */
export type StoredEvent = Omit<NotificationEvent, "id" | "teamId" | "type">;

export function notificationEvent(
  teamId: string, type: NotificationType, subject: string, data: Record<string, JsonValue>, audience: Audience,
  actor: string, at: Date,
): NotificationEvent {
  return { id: crypto.randomUUID(), teamId, type, subject, data, audience, actor, occurredAt: at.toISOString() };
}

export const ADMINS: Audience = { roles: ["team_admin"] };
