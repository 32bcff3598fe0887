// Which evaluation store answers the analytics queries: ANALYTICS_SOURCE=engine reads Analytics
// Engine's SQL API (needs the secrets ANALYTICS_ACCOUNT_ID and ANALYTICS_API_TOKEN), anything else
// (the default, and always under `wrangler dev`, which discards Analytics Engine writes) the D1 rollups.
import { D1EvaluationStore } from "./d1-store";
import { EngineEvaluationStore } from "./engine-store";
import type { EvaluationStore } from "./evaluation-store";

export interface AnalyticsSourceEnv {
  DB: D1Database;
  /** "engine" or "d1" (default). */
  ANALYTICS_SOURCE?: string;
  ANALYTICS_ACCOUNT_ID?: string;
  ANALYTICS_API_TOKEN?: string;
  /** Default fluxgate_evaluations (the EVALS binding's dataset). */
  ANALYTICS_DATASET?: string;
}

export const DEFAULT_DATASET = "fluxgate_evaluations";

export class AnalyticsConfigError extends Error {
  override readonly name = "AnalyticsConfigError";
}

export function evaluationStoreFor(env: AnalyticsSourceEnv, fetcher: typeof fetch = fetch): EvaluationStore {
  const source = (env.ANALYTICS_SOURCE ?? "d1").toLowerCase();
  if (source === "d1") return new D1EvaluationStore(env.DB);
  if (source !== "engine") throw new AnalyticsConfigError(`ANALYTICS_SOURCE must be "d1" or "engine", not ${JSON.stringify(env.ANALYTICS_SOURCE)}`);
  if (!env.ANALYTICS_ACCOUNT_ID || !env.ANALYTICS_API_TOKEN) {
    throw new AnalyticsConfigError("ANALYTICS_SOURCE=engine needs the secrets ANALYTICS_ACCOUNT_ID and ANALYTICS_API_TOKEN (wrangler secret put)");
  }
  return new EngineEvaluationStore({
    accountId: env.ANALYTICS_ACCOUNT_ID,
    apiToken: env.ANALYTICS_API_TOKEN,
    dataset: env.ANALYTICS_DATASET ?? DEFAULT_DATASET,
    fetch: (input, init) => fetcher(input, init),
    teamEnvironments: async (teamId) =>
      (await env.DB.prepare("SELECT id FROM environments WHERE team_id = ?1").bind(teamId).all<{ id: string }>()).results.map((r) => r.id),
  });
}
