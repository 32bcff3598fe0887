// Runs one admin API request as `role` through the real yoga endpoint with the D1 binding wrapped
// to count (query-counter.ts), and returns what it asked of D1. The first call per binding also
// loads the isolate's signing keys: warm up with one request before measuring.
import { env } from "cloudflare:workers";
import { controlYoga } from "../../../../workers/admin/graphql/yoga";
import { tokenFor } from "./config";
import { countingD1, type D1Counts } from "./query-counter";
import type { Role } from "./sessions";

export function d1CountingClient(role: Role = "viewer") {
  const counter = countingD1(env.DB);
  return async function counted(query: string, variables: Record<string, unknown>): Promise<D1Counts> {
    const token = await tokenFor(role);
    counter.reset();
    const response = await controlYoga().fetch(new Request("http://fluxgate.test/graphql", {
      method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    }), { env: { ...env, DB: counter.db } });
    const body = (await response.json()) as { errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return { ...counter.counts };
  };
}
