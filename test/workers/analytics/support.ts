// Shared helpers of the analytics tests: the rollup rows as stored, and a recording sink installed
// in place of Analytics Engine for the duration of a test file.
import { env } from "cloudflare:workers";
import { RecordingSink, useEvaluationSink } from "../../../workers/evaluation/analytics/sink";

export interface RollupRow {
  environment_id: string;
  minute: number;
  flag_key: string;
  variant: string;
  reason: string;
  count: number;
}

export async function rollupRows(environmentId?: string): Promise<RollupRow[]> {
  const sql = `SELECT environment_id, minute, flag_key, variant, reason, count FROM evaluation_rollups
    ${environmentId ? "WHERE environment_id = ?1" : ""} ORDER BY environment_id, minute, flag_key, variant, reason`;
  const statement = env.DB.prepare(sql);
  return (await (environmentId ? statement.bind(environmentId) : statement).all<RollupRow>()).results;
}

/** Installs a fresh recording sink (call in beforeEach); returns it. */
export function recordingSink(): RecordingSink {
  const sink = new RecordingSink();
  useEvaluationSink(sink);
  return sink;
}

export const currentMinute = () => Math.floor(Date.now() / 60_000);
