// The HTTP requests of each channel, built from a delivery and its channel's settings and secrets:
// - webhook: JSON POST (or a Slack-compatible `{ text }` body) signed with HMAC-SHA256 over the
//   exact body bytes, `X-FluxGate-Signature: sha256=<hex>`, so receivers verify it came from us;
// - email: a provider-agnostic JSON POST (Resend-style `{ from, to, subject, text }`, Bearer API key);
// - sms: Twilio's Messages API, one form POST per recipient, Basic auth with the account SID.
// Workers cannot speak SMTP, hence an HTTP email API.
import type { NotificationChannel, NotificationType } from "../../../db/schema";
import { bytesToBase64 } from "../core/base64";
import type { ChannelSecrets } from "./channel-config";
import type { StoredEvent } from "./event";

export const SIGNATURE_HEADER = "x-fluxgate-signature";
export const TWILIO_API = "https://api.twilio.com/2010-04-01";

export interface OutgoingDelivery {
  id: string;
  eventId: string;
  teamId: string;
  type: NotificationType;
  channel: NotificationChannel;
  event: StoredEvent;
}

export interface Recipient {
  email: string;
  mobile: string | null;
}

export async function hmacSha256Hex(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return [...mac].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** The webhook body: the event for machines, or `{ text }` for Slack incoming webhooks. */
export function webhookBody(delivery: OutgoingDelivery, format: string): string {
  if (format === "slack") return JSON.stringify({ text: `*FluxGate* ${delivery.event.subject}` });
  const { event } = delivery;
  return JSON.stringify({
    id: delivery.eventId, deliveryId: delivery.id, type: delivery.type, teamId: delivery.teamId,
    occurredAt: event.occurredAt, actor: event.actor, subject: event.subject, data: event.data,
  });
}

export async function webhookRequest(delivery: OutgoingDelivery, settings: Record<string, string>, secrets: ChannelSecrets): Promise<Request> {
  const body = webhookBody(delivery, settings.format ?? "json");
  return new Request(secrets.url!, {
    method: "POST", body,
    headers: {
      "content-type": "application/json", "user-agent": "FluxGate-Notifications/1",
      "x-fluxgate-event": delivery.type, "x-fluxgate-delivery": delivery.id,
      [SIGNATURE_HEADER]: `sha256=${await hmacSha256Hex(secrets.signingSecret!, body)}`,
    },
  });
}

const emailText = (delivery: OutgoingDelivery) => [
  delivery.event.subject, "",
  `Event: ${delivery.type}`, `By: ${delivery.event.actor}`, `At: ${delivery.event.occurredAt}`,
  ...Object.entries(delivery.event.data).map(([key, value]) => `${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`),
].join("\n");

export function emailRequest(delivery: OutgoingDelivery, settings: Record<string, string>, secrets: ChannelSecrets, to: string[]): Request {
  return new Request(settings.endpoint!, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secrets.apiKey}` },
    body: JSON.stringify({ from: settings.from, to, subject: `[FluxGate] ${delivery.event.subject}`, text: emailText(delivery) }),
  });
}

export function smsRequests(delivery: OutgoingDelivery, settings: Record<string, string>, secrets: ChannelSecrets, to: string[]): Request[] {
  const sid = settings.accountSid!;
  const authorization = `Basic ${bytesToBase64(new TextEncoder().encode(`${sid}:${secrets.authToken}`))}`;
  return to.map((number) => new Request(`${TWILIO_API}/Accounts/${encodeURIComponent(sid)}/Messages.json`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", authorization },
    body: new URLSearchParams({ To: number, From: settings.fromNumber!, Body: `FluxGate: ${delivery.event.subject}`.slice(0, 320) }).toString(),
  }));
}
