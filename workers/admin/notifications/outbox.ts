// The transactional outbox. `commit` appends `outboxStatements` to the change's own D1 batch: one
// queued delivery row per event and channel the team has enabled and not switched off for the
// event's type (decided inside the batch by INSERT ... SELECT, so it costs no extra round trip and
// a failed change leaves no notification). After the batch, `deliverAfterCommit` hands the first
// attempt to ctx.waitUntil when the request has one; the cron job retries whatever is left.
import { sql } from "drizzle-orm";
import { notificationDeliveries } from "../../../db/schema";
import type { Statement } from "../core/commit";
import type { ControlDeps } from "../core/deps";
import type { NotificationEvent, StoredEvent } from "./event";
import { deliverEvents } from "./delivery";

export function storedEvent(event: NotificationEvent): StoredEvent {
  const { id: _id, teamId: _team, type: _type, ...rest } = event;
  return rest;
}

export function outboxStatements(deps: ControlDeps, events: readonly NotificationEvent[], now: Date): Statement[] {
  const at = now.getTime();
  // insert().select(sql) lists every column in table order, so the SELECT yields all of them.
  return events.map((event) => deps.db.insert(notificationDeliveries).select(sql`
    SELECT ${event.id} || ':' || c.channel, ${event.id}, c.team_id, ${event.type}, c.channel, ${JSON.stringify(storedEvent(event))},
      'queued', 0, ${at}, NULL, NULL, NULL, NULL, ${at}, ${at}, NULL
    FROM notification_channels c
    WHERE c.team_id = ${event.teamId} AND c.enabled = 1
      AND NOT EXISTS (SELECT 1 FROM notification_preferences p
        WHERE p.team_id = c.team_id AND p.type = ${event.type} AND p.channel = c.channel AND p.enabled = 0)`));
}

/**
 * The first delivery attempt of just-committed events, in the background when possible. `results`
 * are the outbox statements' batch results: events that queued no row (no enabled channel) cost nothing.
 */
export function deliverAfterCommit(deps: ControlDeps, events: readonly NotificationEvent[], results: readonly unknown[]): void {
  const queued = events.filter((_event, i) => ((results[i] as { meta?: { changes?: number } } | undefined)?.meta?.changes ?? 1) > 0);
  if (!queued.length || !deps.waitUntil) return;
  deps.waitUntil(deliverEvents(deps, queued.map((e) => e.id)).catch((error: unknown) => {
    deps.log.error("notification delivery after commit failed; the cron job retries", { error });
  }));
}
