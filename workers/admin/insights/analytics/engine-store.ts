// The evaluation store over Workers Analytics Engine's SQL API (production's long-term store): one
// POST per grouping to https://api.cloudflare.com/client/v4/accounts/{id}/analytics_engine/sql
// with the SQL text (engine-sql.ts), answered as JSON {meta, data, rows, rows_before_limit_at_least}.
// The fetch is injected: tests answer with recorded responses of that shape, nothing leaves the machine.
import { bucketSql, groupSql } from "./engine-sql";
import type {
  BucketTotals, CountAnswer, CountFilter, CountRead, EvaluationStore, GroupTotals,
} from "./evaluation-store";

export interface EngineStoreOptions {
  accountId: string;
  apiToken: string;
  /** The dataset the evaluation Worker writes (wrangler.toml analytics_engine_datasets). */
  dataset: string;
  fetch: typeof fetch;
  /** A team's environment ids (Analytics Engine knows environments, not teams). */
  teamEnvironments(teamId: string): Promise<string[]>;
}

/** The SQL API's JSON answer. */
export interface EngineSqlAnswer {
  meta: { name: string; type: string }[];
  data: Record<string, string | number>[];
  rows: number;
  rows_before_limit_at_least?: number;
}

export class EngineQueryError extends Error {
  override readonly name = "EngineQueryError";
}

const DATASET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** 64-bit integers may arrive quoted; sums of doubles as numbers. */
const num = (value: string | number | undefined) => Math.round(Number(value ?? 0));

export class EngineEvaluationStore implements EvaluationStore {
  constructor(private readonly options: EngineStoreOptions) {
    if (!DATASET_NAME.test(options.dataset)) throw new EngineQueryError(`invalid Analytics Engine dataset name ${JSON.stringify(options.dataset)}`);
  }

  async read(filter: CountFilter, read: CountRead): Promise<CountAnswer> {
    const environmentIds = "teamId" in filter.scope
      ? await this.options.teamEnvironments(filter.scope.teamId) : filter.scope.environmentIds;
    const dimensions = read.groups ?? [];
    if (environmentIds.length === 0) return { groups: Object.fromEntries(dimensions.map((d) => [d, []])), buckets: [] };
    const { dataset } = this.options;
    const [bucketRows, ...groupRows] = await Promise.all([
      read.intervalMinutes === undefined ? Promise.resolve(null) : this.query(bucketSql(dataset, filter, environmentIds, read.intervalMinutes)),
      ...dimensions.map((dimension) => this.query(groupSql(dataset, filter, environmentIds, dimension))),
    ]);
    const totals = (row: Record<string, string | number>) => ({
      evaluations: num(row.evaluations), errors: num(row.errors), cacheHits: num(row.cache_hits),
    });
    const groups: CountAnswer["groups"] = {};
    dimensions.forEach((dimension, i) => {
      groups[dimension] = groupRows[i]!.data
        .map((row): GroupTotals => ({ key: String(row.key ?? ""), ...totals(row), lastMinute: num(row.last_minute) }))
        .filter((row) => row.evaluations > 0);
    });
    const buckets = (bucketRows?.data ?? []).map((row): BucketTotals => ({ bucket: num(row.bucket), ...totals(row) }));
    return { groups, buckets };
  }

  private async query(sql: string): Promise<EngineSqlAnswer> {
    const url = `https://api.cloudflare.com/client/v4/accounts/${encodeURIComponent(this.options.accountId)}/analytics_engine/sql`;
    const response = await this.options.fetch(url, {
      method: "POST", headers: { authorization: `Bearer ${this.options.apiToken}` }, body: sql,
    });
    const text = await response.text();
    if (!response.ok) throw new EngineQueryError(`Analytics Engine SQL API answered ${response.status}: ${text.slice(0, 300)}`);
    const answer = JSON.parse(text) as EngineSqlAnswer;
    if (!Array.isArray(answer.data)) throw new EngineQueryError("Analytics Engine SQL API: the answer has no data array");
    return answer;
  }
}
