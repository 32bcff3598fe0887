// The client form (workers/admin/configuration/clients.ts).
import type { Problems } from "../form-problems";
import { str } from "./common";

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
