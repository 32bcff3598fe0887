// A team's notification channels (webhook, email, sms). Team Admins (and system admins) configure,
// read and remove them; nobody else reads them at all (NOT_FOUND outside the team, FORBIDDEN for
// other roles). Secrets are write-only: a read shows `configured: true` and a masked preview.
// Omitting a secret on update keeps the stored one, so settings change without re-entering it.
import { and, eq } from "drizzle-orm";
import { NOTIFICATION_CHANNELS, notificationChannels, type NotificationChannel } from "../../../db/schema";
import type { JsonValue } from "../../../engine/types";
import { authorizeEntity, TEAM_ADMIN, type Principal } from "../identity/authz";
import { commit } from "../core/commit";
import type { ControlDeps } from "../core/deps";
import { badInput, notFound } from "../core/errors";
import { parseInput } from "../core/validation";
import { channelInputSchema, maskSecret, SECRET_FIELDS, splitInput } from "./channel-config";
import { openSecrets, sealSecrets } from "./channel-secrets";

export type ChannelRow = typeof notificationChannels.$inferSelect;

export interface MaskedSecret {
  name: string;
  configured: true;
  preview: string;
}

export interface ChannelView {
  channel: NotificationChannel;
  configured: boolean;
  enabled: boolean;
  settings: Record<string, string>;
  secrets: MaskedSecret[];
  updatedAt: Date | null;
}

export function channelView(row: ChannelRow): ChannelView {
  return {
    channel: row.channel, configured: true, enabled: row.enabled, settings: row.settings,
    secrets: Object.entries(row.secretPreviews).map(([name, preview]) => ({ name, configured: true, preview })),
    updatedAt: row.updatedAt,
  };
}

const unconfigured = (channel: NotificationChannel): ChannelView =>
  ({ channel, configured: false, enabled: false, settings: {}, secrets: [], updatedAt: null });

/** The audit form of a channel: settings and previews, never a secret. */
const auditView = (view: ChannelView | null): JsonValue =>
  view && { enabled: view.enabled, settings: view.settings, secrets: Object.fromEntries(view.secrets.map((s) => [s.name, s.preview])) };

export async function teamChannels(deps: ControlDeps, teamId: string): Promise<ChannelRow[]> {
  return deps.db.select().from(notificationChannels).where(eq(notificationChannels.teamId, teamId));
}

export async function channelRow(deps: ControlDeps, teamId: string, channel: NotificationChannel): Promise<ChannelRow | null> {
  const [row] = await deps.db.select().from(notificationChannels)
    .where(and(eq(notificationChannels.teamId, teamId), eq(notificationChannels.channel, channel))).limit(1);
  return row ?? null;
}

/** Every channel kind of the team, configured or not. Team Admins. */
export async function listChannels(deps: ControlDeps, principal: Principal, teamId: string): Promise<ChannelView[]> {
  await authorizeEntity(deps, principal, "team", teamId, TEAM_ADMIN);
  const rows = await teamChannels(deps, teamId);
  return NOTIFICATION_CHANNELS.map((channel) => {
    const row = rows.find((r) => r.channel === channel);
    return row ? channelView(row) : unconfigured(channel);
  });
}

export async function configureChannel(
  deps: ControlDeps, principal: Principal, teamId: string, channel: NotificationChannel, raw: unknown,
): Promise<ChannelView> {
  await authorizeEntity(deps, principal, "team", teamId, TEAM_ADMIN);
  const input = parseInput(channelInputSchema(channel, deps.config.environment === "development"), raw) as Record<string, unknown>;
  const { enabled, settings, secrets: given } = splitInput(channel, input);
  const before = await channelRow(deps, teamId, channel);
  const secrets = { ...(before ? await openSecrets(deps, before.secretsEncrypted) : {}), ...given };
  for (const name of SECRET_FIELDS[channel]) {
    if (!secrets[name]) throw badInput(`input.${name}`, `input.${name}: is required when the channel is first configured`);
  }
  const now = deps.now();
  const row: ChannelRow = {
    teamId, channel, enabled, settings, secretsEncrypted: await sealSecrets(deps, secrets),
    secretPreviews: Object.fromEntries(Object.entries(secrets).map(([name, value]) => [name, maskSecret(name, value)])),
    updatedBy: principal.userId, createdAt: before?.createdAt ?? now, updatedAt: now,
  };
  const after = channelView(row);
  const { teamId: _t, channel: _c, createdAt: _a, ...changes } = row;
  await commit(deps, {
    actor: principal,
    statements: [deps.db.insert(notificationChannels).values(row)
      .onConflictDoUpdate({ target: [notificationChannels.teamId, notificationChannels.channel], set: changes })],
    audit: [{
      teamId, action: before ? "notification_channel.update" : "notification_channel.create", entityType: "notification_channel",
      entityId: `${teamId}:${channel}`, before: auditView(before && channelView(before)), after: auditView(after),
    }],
  });
  return after;
}

export async function removeChannel(deps: ControlDeps, principal: Principal, teamId: string, channel: NotificationChannel): Promise<boolean> {
  await authorizeEntity(deps, principal, "team", teamId, TEAM_ADMIN);
  const before = await channelRow(deps, teamId, channel);
  if (!before) throw notFound("Notification channel");
  await commit(deps, {
    actor: principal,
    statements: [deps.db.delete(notificationChannels)
      .where(and(eq(notificationChannels.teamId, teamId), eq(notificationChannels.channel, channel)))],
    audit: [{
      teamId, action: "notification_channel.remove", entityType: "notification_channel", entityId: `${teamId}:${channel}`,
      before: auditView(channelView(before)), after: null,
    }],
  });
  return true;
}
