// The notification channel forms (workers/admin/notifications/channel-config.ts); secrets write-only.
import type { Problems } from "../form-problems";
import { str, checked } from "./common";

export const CHANNELS = ["webhook", "email", "sms"] as const;
export type ChannelName = (typeof CHANNELS)[number];

const urlProblem = (text: string): string | null => {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:" ? null : "Enter an https URL.";
  } catch {
    return "Enter a URL such as https://hooks.example.com/fluxgate.";
  }
};

/** The channel's input from the form: blank secrets are left out (the stored ones stay). */
export function readChannel(channel: ChannelName, form: FormData): Record<string, string | boolean> {
  const enabled = checked(form, "enabled");
  const given = (names: string[]) => Object.fromEntries(names.map((n) => [n, str(form, n)]).filter(([, v]) => v !== ""));
  switch (channel) {
    case "webhook": return { enabled, format: str(form, "format") === "slack" ? "slack" : "json", ...given(["url", "signingSecret"]) };
    case "email": return { enabled, endpoint: str(form, "endpoint"), from: str(form, "from"), ...given(["apiKey"]) };
    case "sms": return { enabled, accountSid: str(form, "accountSid"), fromNumber: str(form, "fromNumber"), ...given(["authToken"]) };
  }
}

export function channelProblems(channel: ChannelName, input: Record<string, string | boolean>, configured: boolean): Problems {
  const problems: Problems = {};
  const value = (name: string) => (typeof input[name] === "string" ? (input[name] as string) : "");
  const secret = (name: string, min: number, label: string) => {
    if (!value(name)) {
      if (!configured) problems[name] = `${label} is required the first time.`;
    } else if (value(name).length < min) problems[name] = `At least ${min} characters.`;
  };
  switch (channel) {
    case "webhook": {
      if (!value("url")) {
        if (!configured) problems.url = "The URL is required the first time.";
      } else {
        const bad = urlProblem(value("url"));
        if (bad) problems.url = bad;
      }
      secret("signingSecret", 16, "The signing secret");
      break;
    }
    case "email": {
      const bad = value("endpoint") ? urlProblem(value("endpoint")) : "Enter the email API's endpoint.";
      if (bad) problems.endpoint = bad;
      if (value("from").length < 3) problems.from = "Enter the sender address.";
      secret("apiKey", 8, "The API key");
      break;
    }
    case "sms": {
      if (!/^AC[0-9a-fA-F]{32}$/.test(value("accountSid"))) problems.accountSid = "A Twilio account SID: AC followed by 32 hex digits.";
      if (!/^\+[1-9]\d{6,14}$/.test(value("fromNumber"))) problems.fromNumber = "An E.164 number such as +15551234567.";
      secret("authToken", 16, "The auth token");
      break;
    }
  }
  return problems;
}
