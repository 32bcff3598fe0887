// Which notification types a team wants on which channel. A type is on for a channel unless a
// preference row turns it off, so configuring a channel is enough to start receiving. Team Admins.
import { eq } from "drizzle-orm";
import { z } from "zod";
import {
  NOTIFICATION_CHANNELS, NOTIFICATION_TYPES, notificationPreferences, type NotificationChannel, type NotificationType,
} from "../../../db/schema";
import { authorizeEntity, TEAM_ADMIN, type Principal } from "../identity/authz";
import { commit } from "../core/commit";
import type { ControlDeps } from "../core/deps";
import { parseInput } from "../core/validation";

/** The types a team can choose; `test` sends are explicit and ignore preferences. */
export const PREFERENCE_TYPES = NOTIFICATION_TYPES.filter((type) => type !== "test") as Exclude<NotificationType, "test">[];

export type PreferenceView = { type: NotificationType } & Record<NotificationChannel, boolean>;

export async function listPreferences(deps: ControlDeps, principal: Principal, teamId: string): Promise<PreferenceView[]> {
  await authorizeEntity(deps, principal, "team", teamId, TEAM_ADMIN);
  const rows = await deps.db.select().from(notificationPreferences).where(eq(notificationPreferences.teamId, teamId));
  return PREFERENCE_TYPES.map((type) => preferenceView(type, rows));
}

function preferenceView(type: NotificationType, rows: (typeof notificationPreferences.$inferSelect)[]): PreferenceView {
  const enabled = (channel: NotificationChannel) => rows.find((r) => r.type === type && r.channel === channel)?.enabled ?? true;
  return { type, webhook: enabled("webhook"), email: enabled("email"), sms: enabled("sms") };
}

const preferenceInput = z.object({
  type: z.enum(PREFERENCE_TYPES as [string, ...string[]]),
  channel: z.enum(NOTIFICATION_CHANNELS),
  enabled: z.boolean(),
});

export async function setPreference(deps: ControlDeps, principal: Principal, teamId: string, raw: unknown): Promise<PreferenceView> {
  await authorizeEntity(deps, principal, "team", teamId, TEAM_ADMIN);
  const input = parseInput(preferenceInput, raw, "");
  const type = input.type as NotificationType;
  const now = deps.now();
  await commit(deps, {
    actor: principal,
    statements: [deps.db.insert(notificationPreferences).values({ teamId, type, channel: input.channel, enabled: input.enabled, updatedAt: now })
      .onConflictDoUpdate({
        target: [notificationPreferences.teamId, notificationPreferences.type, notificationPreferences.channel],
        set: { enabled: input.enabled, updatedAt: now },
      })],
    audit: [{
      teamId, action: "notification_preference.set", entityType: "notification_preference", entityId: `${teamId}:${type}:${input.channel}`,
      before: null, after: { type, channel: input.channel, enabled: input.enabled },
    }],
  });
  const rows = await deps.db.select().from(notificationPreferences).where(eq(notificationPreferences.teamId, teamId));
  return preferenceView(type, rows);
}
