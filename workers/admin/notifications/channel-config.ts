// What each channel kind needs: its non-secret settings and its secrets, validated with zod. The
// secrets are stored only encrypted (channel-secrets.ts) and shown only as masked previews.
import { z } from "zod";
import type { NotificationChannel } from "../../../db/schema";

export const WEBHOOK_FORMATS = ["json", "slack"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** https only, except plain http in development (a local receiver). */
const endpointUrl = (development: boolean) => z.string().trim().max(2000).url("must be a URL").refine((value) => {
  const url = new URL(value);
  return url.protocol === "https:" || (development && url.protocol === "http:");
}, development ? "must be an http(s) URL" : "must be an https URL");

const e164 = z.string().trim().regex(/^\+[1-9]\d{6,14}$/, "must be an E.164 number such as +15551234567");
const secret = (min: number) => z.string().min(min, `must be at least ${min} characters`).max(1000);

export function channelInputSchema(channel: NotificationChannel, development: boolean) {
  switch (channel) {
    case "webhook":
      return z.object({
        enabled: z.boolean().default(true),
        format: z.enum(WEBHOOK_FORMATS).default("json"),
        // The URL is a secret too: Slack-style incoming-webhook URLs are bearer credentials.
        url: endpointUrl(development).nullish(),
        signingSecret: secret(16).nullish(),
      }).strict();
    case "email":
      return z.object({
        enabled: z.boolean().default(true),
        endpoint: endpointUrl(development),
        from: z.string().trim().min(3).max(320),
        apiKey: secret(8).nullish(),
      }).strict();
    case "sms":
      return z.object({
        enabled: z.boolean().default(true),
        accountSid: z.string().trim().regex(/^AC[0-9a-fA-F]{32}$/, "must be a Twilio account SID (AC + 32 hex digits)"),
        fromNumber: e164,
        authToken: secret(16).nullish(),
      }).strict();
  }
}

/** The secret fields of each kind; every one is required once the channel exists. */
export const SECRET_FIELDS: Record<NotificationChannel, readonly string[]> = {
  webhook: ["url", "signingSecret"],
  email: ["apiKey"],
  sms: ["authToken"],
};

export const MOBILE_NUMBER = e164;

/** A preview that identifies a secret without revealing it: a URL's origin, else the last 4 characters. */
export function maskSecret(name: string, value: string): string {
  if (name === "url") {
    try {
      return `${new URL(value).origin}/…`;
    } catch {
      return "…";
    }
  }
  return value.length >= 12 ? `…${value.slice(-4)}` : "…";
}

export interface ChannelSecrets {
  [name: string]: string;
}

/** Splits a parsed input into enabled flag, non-secret settings and the secrets given. */
export function splitInput(channel: NotificationChannel, input: Record<string, unknown>) {
  const secretNames = SECRET_FIELDS[channel];
  const settings: Record<string, string> = {};
  const secrets: ChannelSecrets = {};
  for (const [key, value] of Object.entries(input)) {
    if (key === "enabled" || value === null || value === undefined) continue;
    if (secretNames.includes(key)) secrets[key] = String(value);
    else settings[key] = String(value);
  }
  return { enabled: input.enabled as boolean, settings, secrets };
}
