// Reading the outbox (Team Admins), a test send through one channel, and users' mobile numbers
// (the SMS recipients' addresses; emails come from users.email).
import { and, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { DELIVERY_STATUSES, NOTIFICATION_CHANNELS, notificationDeliveries, users, type NotificationChannel } from "../../../db/schema";
import type { JsonValue } from "../../../engine/types";
import { authorizeEntity, TEAM_ADMIN, type Principal } from "../identity/authz";
import { commit } from "../core/commit";
import type { ControlDeps } from "../core/deps";
import { forbidden, notFound } from "../core/errors";
import { pageWindow, toConnection, type Connection, type PageArgs } from "../core/pagination";
import { parseInput } from "../core/validation";
import { MOBILE_NUMBER } from "./channel-config";
import { channelRow } from "./channels";
import { deliverOne, type DeliveryOptions, type DeliveryRow } from "./delivery";
import { notificationEvent } from "./event";
import { storedEvent } from "./outbox";

const listFilter = z.object({ status: z.enum(DELIVERY_STATUSES).nullish(), channel: z.enum(NOTIFICATION_CHANNELS).nullish() });

/** The team's deliveries, newest first. Team Admins. */
export async function listDeliveries(
  deps: ControlDeps, principal: Principal, teamId: string, filter: { status?: string | null; channel?: string | null }, page: PageArgs,
): Promise<Connection<DeliveryRow>> {
  await authorizeEntity(deps, principal, "team", teamId, TEAM_ADMIN);
  const { status, channel } = parseInput(listFilter, filter, "");
  const window = pageWindow(page);
  const rows = await deps.db.select().from(notificationDeliveries).where(and(
    eq(notificationDeliveries.teamId, teamId),
    status ? eq(notificationDeliveries.status, status) : undefined,
    channel ? eq(notificationDeliveries.channel, channel) : undefined,
  )).orderBy(desc(notificationDeliveries.createdAt), desc(notificationDeliveries.id)).limit(window.limit + 1).offset(window.offset);
  return toConnection(rows, window);
}

/**
 * Sends a `test` notification through one configured channel now (whatever the preferences say)
 * and returns its delivery as it ended. Email and SMS go to the caller. Team Admins.
 */
export async function sendTestNotification(
  deps: ControlDeps, principal: Principal, teamId: string, channel: NotificationChannel, options: DeliveryOptions = {},
): Promise<DeliveryRow> {
  await authorizeEntity(deps, principal, "team", teamId, TEAM_ADMIN);
  if (!(await channelRow(deps, teamId, channel))) throw notFound("Notification channel");
  const now = deps.now();
  const event = notificationEvent(teamId, "test", "Test notification from FluxGate", { channel },
    { userIds: [principal.userId], direct: true }, principal.username, now);
  const id = `${event.id}:${channel}`;
  await commit(deps, {
    actor: principal,
    statements: [deps.db.insert(notificationDeliveries).values({
      id, eventId: event.id, teamId, type: "test", channel, payload: storedEvent(event) as unknown as JsonValue, status: "queued", attempts: 0,
      nextAttemptAt: now, createdAt: now, updatedAt: now,
    })],
    audit: [{ teamId, action: "notification_channel.test", entityType: "notification_channel", entityId: `${teamId}:${channel}`, before: null, after: { deliveryId: id } }],
  });
  const delivered = await deliverOne(deps, id, { ...options, now: options.now ?? now });
  if (delivered) return delivered;
  const [row] = await deps.db.select().from(notificationDeliveries).where(eq(notificationDeliveries.id, id));
  return row!;
}

export interface NotificationContact {
  userId: string;
  email: string;
  mobile: string | null;
}

/** Sets (or clears, with null) a user's mobile number for SMS. The user themself or a system admin. */
export async function setUserMobile(deps: ControlDeps, principal: Principal, userId: string, rawMobile: string | null): Promise<NotificationContact> {
  if (principal.userId !== userId && !principal.isSystemAdmin) throw forbidden("Only the user or a system admin may set a mobile number");
  const mobile = rawMobile === null ? null : parseInput(MOBILE_NUMBER, rawMobile, "mobile");
  const [before] = await deps.db.select({ email: users.email, mobile: users.mobile }).from(users).where(eq(users.id, userId)).limit(1);
  if (!before) throw notFound("User");
  await commit(deps, {
    actor: principal,
    statements: [deps.db.update(users).set({ mobile, updatedAt: deps.now() }).where(eq(users.id, userId))],
    audit: [{ teamId: null, action: "user.set_mobile", entityType: "user", entityId: userId, before: { mobile: before.mobile }, after: { mobile } }],
  });
  return { userId, email: before.email, mobile };
}
