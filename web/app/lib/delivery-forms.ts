// The delivery and governance settings' form models: what each form sends to the API and what it
// refuses before submitting, mirroring the API's own checks (workers/admin/configuration/clients.ts,
// governance/approval-policies.ts, governance/freeze-windows.ts, workflow/templates/catalog.ts,
// notifications/channel-config.ts) so a mistake is named next to its field without a round trip.
// The API checks again and has the last word. Pure: the actions and the browser both use it.
import { zonedToUtc } from "./zoned-time";

/** Field name -> what to fix. Empty: the form may be sent. */
export type Problems = Record<string, string>;

const strings = (form: FormData, name: string) => form.getAll(name).map(String).map((s) => s.trim()).filter(Boolean);
const str = (form: FormData, name: string) => String(form.get(name) ?? "").trim();
const checked = (form: FormData, name: string) => form.get(name) === "on" || form.get(name) === "true";

/** An API error's field ("input.webOrigins.0", "input.defaults.percentages.1") as the form's field name. */
export function formField(apiField: string | undefined): string | undefined {
  if (!apiField) return undefined;
  return apiField.split(".").find((part) => !["input", "variables", "defaults"].includes(part));
}

// ------------------------------------------------------------------ clients

export const CLIENT_KINDS = ["server", "web"] as const;
export type ClientKindName = (typeof CLIENT_KINDS)[number];

/** `scheme://host[:port]` exactly as browsers send it in the Origin header (the API's rule). */
export function originProblem(text: string): string | null {
  try {
    const url = new URL(text);
    if ((url.protocol === "http:" || url.protocol === "https:") && url.origin === text) return null;
  } catch {
    // not a URL
  }
  return `"${text}" is not an origin: write http(s)://host[:port], lowercase, without path or trailing slash.`;
}

/** One origin per line (commas work too). */
export const parseOrigins = (text: string): string[] => [...new Set(text.split(/[\n,]/).map((s) => s.trim()).filter(Boolean))];

export interface ClientValues { name: string; description: string; kind: ClientKindName; environmentId: string; webOrigins: string[] }

export function readClient(form: FormData): ClientValues {
  return {
    name: str(form, "name"), description: str(form, "description"),
    kind: str(form, "kind") === "web" ? "web" : "server", environmentId: str(form, "environmentId"),
    webOrigins: parseOrigins(String(form.get("webOrigins") ?? "")),
  };
}

export function clientProblems(values: ClientValues, editing: boolean): Problems {
  const problems: Problems = {};
  if (!values.name) problems.name = "Name the client.";
  else if (values.name.length > 100) problems.name = "At most 100 characters.";
  if (values.description.length > 500) problems.description = "At most 500 characters.";
  if (!editing && !values.environmentId) problems.environmentId = "Choose the environment the client evaluates in.";
  if (values.webOrigins.length > 50) problems.webOrigins = "At most 50 origins.";
  const bad = values.webOrigins.map(originProblem).find(Boolean);
  if (bad) problems.webOrigins = bad;
  if (values.kind === "server" && values.webOrigins.length > 0) problems.webOrigins = "Only web clients have allowed origins: choose the web type or clear them.";
  return problems;
}

// ------------------------------------------------------------------ approval policies

export const POLICY_SCOPES = ["all", "production_only", "specific"] as const;
export const TEAM_ROLES = ["team_admin", "approver", "requester", "viewer"] as const;
export type PolicyScope = (typeof POLICY_SCOPES)[number];
export type TeamRoleName = (typeof TEAM_ROLES)[number];

export interface PolicyValues {
  name: string; appliesTo: PolicyScope; environmentIds: string[]; requiredApprovals: number; eligibleRoles: TeamRoleName[];
  eligibleUserIds: string[]; autoApproveAfterHours: number | null; allowAdminOverride: boolean; fallbackToRoles: boolean; enabled: boolean;
}

export function readPolicy(form: FormData): PolicyValues {
  const hours = str(form, "autoApproveAfterHours");
  const scope = str(form, "appliesTo") as PolicyScope;
  return {
    name: str(form, "name"),
    appliesTo: POLICY_SCOPES.includes(scope) ? scope : "all",
    environmentIds: scope === "specific" ? strings(form, "environmentIds") : [],
    requiredApprovals: Number(str(form, "requiredApprovals") || "1"),
    eligibleRoles: strings(form, "eligibleRoles").filter((r): r is TeamRoleName => (TEAM_ROLES as readonly string[]).includes(r)),
    eligibleUserIds: strings(form, "eligibleUserIds"),
    autoApproveAfterHours: hours === "" ? null : Number(hours),
    allowAdminOverride: checked(form, "allowAdminOverride"),
    fallbackToRoles: checked(form, "fallbackToRoles"),
    enabled: checked(form, "enabled"),
  };
}

export function policyProblems(values: PolicyValues): Problems {
  const problems: Problems = {};
  if (!values.name) problems.name = "Name the policy.";
  else if (values.name.length > 100) problems.name = "At most 100 characters.";
  if (values.appliesTo === "specific" && values.environmentIds.length === 0) problems.environmentIds = "A specific policy lists at least one environment.";
  if (!Number.isInteger(values.requiredApprovals) || values.requiredApprovals < 1 || values.requiredApprovals > 10) {
    problems.requiredApprovals = "Between 1 and 10 approvals.";
  }
  if (values.eligibleRoles.length === 0 && values.eligibleUserIds.length === 0) problems.eligibleRoles = "Name eligible roles or users (or both).";
  const hours = values.autoApproveAfterHours;
  if (hours !== null && (!Number.isInteger(hours) || hours < 1 || hours > 720)) {
    problems.autoApproveAfterHours = "A whole number of hours from 1 to 720, or blank for never.";
  }
  return problems;
}

// ------------------------------------------------------------------ freeze windows

export const FREEZE_RECURRENCES = ["NONE", "DAILY", "WEEKLY"] as const;
export const ENVIRONMENT_TYPES = ["development", "staging", "production"] as const;
export type FreezeRecurrenceName = (typeof FREEZE_RECURRENCES)[number];
const PERIOD_MS: Record<FreezeRecurrenceName, number> = { NONE: Infinity, DAILY: 86_400_000, WEEKLY: 7 * 86_400_000 };

export interface FreezeValues {
  name: string; target: "environment" | "type"; environmentId: string; environmentType: string; start: string; end: string;
  timezone: string; recurrence: FreezeRecurrenceName; reason: string;
}

export function readFreeze(form: FormData): FreezeValues {
  const recurrence = str(form, "recurrence") as FreezeRecurrenceName;
  return {
    name: str(form, "name"), target: str(form, "target") === "type" ? "type" : "environment",
    environmentId: str(form, "environmentId"), environmentType: str(form, "environmentType"),
    start: str(form, "start"), end: str(form, "end"), timezone: str(form, "timezone") || "UTC",
    recurrence: FREEZE_RECURRENCES.includes(recurrence) ? recurrence : "NONE", reason: str(form, "reason"),
  };
}

export function isTimezone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export function freezeProblems(values: FreezeValues): Problems {
  const problems: Problems = {};
  if (!values.name) problems.name = "Name the freeze window.";
  else if (values.name.length > 100) problems.name = "At most 100 characters.";
  if (values.target === "environment" && !values.environmentId) problems.environmentId = "Choose the environment it freezes.";
  if (values.target === "type" && !(ENVIRONMENT_TYPES as readonly string[]).includes(values.environmentType)) problems.environmentType = "Choose the type of environment it freezes.";
  if (!isTimezone(values.timezone)) problems.timezone = `"${values.timezone}" is not an IANA time zone (e.g. Europe/Paris).`;
  if (values.reason.length > 500) problems.reason = "At most 500 characters.";
  if (!values.start) problems.start = "When does it start?";
  if (!values.end) problems.end = "When does it end?";
  if (problems.timezone || problems.start || problems.end) return problems;
  const start = zonedToUtc(values.start, values.timezone);
  const end = zonedToUtc(values.end, values.timezone);
  if (!start) problems.start = "Enter a date and time.";
  if (!end) problems.end = "Enter a date and time.";
  else if (start && end.getTime() <= start.getTime()) problems.end = "It must end after it starts.";
  else if (start && end.getTime() - start.getTime() >= PERIOD_MS[values.recurrence]) {
    problems.end = `A ${values.recurrence.toLowerCase()} window lasts less than a ${values.recurrence === "DAILY" ? "day" : "week"}.`;
  }
  return problems;
}

// ------------------------------------------------------------------ rollout templates

export const TEMPLATE_TYPES = ["simple_on_off", "canary", "approval_gated_production", "experiment", "kill_switch_guarded"] as const;
export type TemplateTypeName = (typeof TEMPLATE_TYPES)[number];

export interface TemplateDefaultsValues {
  environmentIds?: string[]; variant?: string; safeVariant?: string; percentages?: number[]; intervalMinutes?: number;
  segmentKey?: string; deploy?: boolean;
}

export interface TemplateValues { name: string; description: string; type: TemplateTypeName; defaults: TemplateDefaultsValues; percentagesText: string; intervalText: string }

/** "10, 50, 100" -> [10, 50, 100]; NaN for a word. */
export const parsePercentages = (text: string): number[] => text.split(/[\s,]+/).map((s) => s.replace(/%$/, "")).filter(Boolean).map(Number);

export function readTemplate(form: FormData): TemplateValues {
  const type = str(form, "type") as TemplateTypeName;
  const percentagesText = str(form, "percentages");
  const intervalText = str(form, "intervalMinutes");
  const deploy = str(form, "deploy");
  const defaults: TemplateDefaultsValues = {};
  const environmentIds = strings(form, "environmentIds");
  if (environmentIds.length) defaults.environmentIds = environmentIds;
  for (const key of ["variant", "safeVariant", "segmentKey"] as const) if (str(form, key)) defaults[key] = str(form, key);
  if (percentagesText) defaults.percentages = parsePercentages(percentagesText);
  if (intervalText) defaults.intervalMinutes = Number(intervalText);
  if (deploy === "yes" || deploy === "no") defaults.deploy = deploy === "yes";
  return { name: str(form, "name"), description: str(form, "description"), type: TEMPLATE_TYPES.includes(type) ? type : "canary", defaults, percentagesText, intervalText };
}

export function templateProblems(values: TemplateValues): Problems {
  const problems: Problems = {};
  if (!values.name) problems.name = "Name the template.";
  else if (values.name.length > 100) problems.name = "At most 100 characters.";
  if (values.description.length > 500) problems.description = "At most 500 characters.";
  const steps = values.defaults.percentages;
  if (steps) {
    if (steps.length > 10) problems.percentages = "At most 10 steps.";
    const bad = steps.findIndex((p, i) => !Number.isFinite(p) || p < 0 || p > 100 || (i > 0 && p <= steps[i - 1]!));
    if (bad >= 0) problems.percentages = `Step ${bad + 1}: percentages from 0 to 100, each more than the step before (e.g. 10, 50, 100).`;
  }
  const interval = values.defaults.intervalMinutes;
  if (interval !== undefined && (!Number.isInteger(interval) || interval < 1 || interval > 10_080)) {
    problems.intervalMinutes = "A whole number of minutes from 1 to 10080 (7 days).";
  }
  return problems;
}

// ------------------------------------------------------------------ notification channels

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
