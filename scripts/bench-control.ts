// Latency of common admin mutations through POST /graphql under `wrangler dev` (the real local stack:
// workerd, local D1, KV and the environment Durable Objects that every feature change publishes to).
// One client, sequential requests: each mutation gets a warm-up, then a bounded number of timed
// requests (and a time bound), each with its own unique keys. Any GraphQL error fails the run.
// Run: npx tsx scripts/bench-control.ts
import os from "node:os";
import { pathToFileURL } from "node:url";
import {
  DEMO_ENVIRONMENT_IDS, DEMO_FEATURE_IDS, DEMO_PASSWORD, DEMO_PIPELINE_ID, DEMO_TEAM_ID, demoRuleId, demoStageId,
} from "../db/seed/demo-data";
import { startDevStack } from "../test/e2e/support/dev-stack";

const WARMUP = 10;
const ITERATIONS = 100;
/** Bound on the timed requests of one mutation (the warm-up is bounded by its count). */
const MUTATION_TIME_LIMIT_MS = 60_000;
const REQUEST_TIMEOUT_MS = 15_000;

export interface MutationFigures {
  mutation: string;
  requests: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** True when the time bound stopped the run before ITERATIONS requests. */
  timeBounded: boolean;
}

export interface ControlBenchResult {
  machine: { nproc: number; cpu: string; node: string; platform: string };
  /** os.loadavg() (1, 5, 15 min) before and after the measurements. */
  loadBefore: number[];
  loadAfter: number[];
  warmup: number;
  iterations: number;
  mutations: MutationFigures[];
}

/** One GraphQL request; throws on a transport failure, a non-200 answer or any GraphQL error. */
type Gql = (query: string, variables: Record<string, unknown>) => Promise<Record<string, any>>;

function client(baseUrl: string, token?: string): Gql {
  return async (query, variables) => {
    const response = await fetch(`${baseUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    let body: { data?: Record<string, any> | null; errors?: unknown[] };
    try {
      body = JSON.parse(text);
    } catch {
      throw new Error(`HTTP ${response.status}, not JSON: ${text.slice(0, 300)}`);
    }
    if (response.status !== 200 || body.errors?.length || !body.data) {
      throw new Error(`HTTP ${response.status}, GraphQL errors: ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
    }
    return body.data;
  };
}

/** A mutation under test: `request(i)` sends one (unique per i) and checks its answer. */
interface Scenario {
  name: string;
  request: (gql: Gql, i: number) => Promise<void>;
}

const expectEqual = (actual: unknown, expected: unknown, what: string) => {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
};

function scenarios(run: string): Scenario[] {
  const checkoutRule = demoRuleId("checkout_button_text", "development");
  const checkoutDev = demoStageId("checkout_button_text", "development");
  const darkMode = DEMO_FEATURE_IDS.dark_mode;
  return [
    {
      name: "createFeature",
      request: async (gql, i) => {
        const key = `bench_${run}_${i}`;
        const data = await gql(`mutation($input: CreateFeatureInput!) { createFeature(input: $input) { id key stages { id } } }`, {
          input: { teamId: DEMO_TEAM_ID, pipelineId: DEMO_PIPELINE_ID, key, type: "BOOLEAN", description: "bench" },
        });
        expectEqual([data.createFeature.key, data.createFeature.stages.length], [key, 3], "createFeature");
      },
    },
    {
      // The seed README's example, with a unique variant key per request.
      name: "createFeatureVariant",
      request: async (gql, i) => {
        const control = `variant-a-${run}-${i}`;
        const data = await gql(`mutation($input: CreateFeatureVariantInput!) {
          createFeatureVariant(input: $input) { id control value valueType description } }`, {
          input: {
            featureId: DEMO_FEATURE_IDS.homepage_layout, control, value: '{"color": "blue", "size": "large"}',
            valueType: "JSON", description: "Blue large button variant",
          },
        });
        expectEqual([data.createFeatureVariant.control, data.createFeatureVariant.valueType], [control, "JSON"], "createFeatureVariant");
      },
    },
    {
      // The seed README's example on the demo rule, with a different rollout share each time so
      // every request is a real change (a new feature version, an audit row, a publish).
      name: "updateStageCriteria",
      request: async (gql, i) => {
        const data = await gql(`mutation($input: UpdateStageCriteriaInput!) { updateStageCriteria(input: $input) { id priority serve enabled } }`, {
          input: { id: checkoutRule, priority: 0, serve: "variant-a", enabled: true, rolloutPercentage: 10 + (i % 80) },
        });
        expectEqual(data.updateStageCriteria, { id: checkoutRule, priority: 0, serve: "variant-a", enabled: true }, "updateStageCriteria");
      },
    },
    {
      name: "setStageRules (development)",
      request: async (gql, i) => {
        const rules = [
          { name: `pros ${run}-${i}`, match: [{ operator: "and", conditions: [{ attribute: "plan", operator: "equals", value: "pro" }] }], serve: { kind: "variant", variant: "variant-a" } },
          { name: `split ${run}-${i}`, serve: { kind: "split", allocations: [{ variant: "control", weight: 50000 }, { variant: "variant-a", weight: 50000 }] } },
        ];
        const data = await gql(`mutation($stageId: ID!, $rules: [RuleInput!]!) { setStageRules(stageId: $stageId, rules: $rules) { id rules { name } } }`, {
          stageId: checkoutDev, rules,
        });
        expectEqual(data.setStageRules.rules.map((r: { name: string }) => r.name), rules.map((r) => r.name), "setStageRules");
      },
    },
    {
      // The seed README's example (an automatic rollback in 30 minutes, scheduled on the objects' alarms).
      name: "emergencyDisableFeature",
      request: async (gql) => {
        const data = await gql(`mutation($id: ID!) { emergencyDisableFeature(id: $id, rollbackInMinutes: 30) { id killSwitchEnabled rollbackScheduledAt } }`, { id: darkMode });
        expectEqual(data.emergencyDisableFeature.killSwitchEnabled, true, "emergencyDisableFeature");
      },
    },
    {
      name: "emergencyEnableFeature",
      request: async (gql) => {
        const data = await gql(`mutation($id: ID!) { emergencyEnableFeature(id: $id) { id killSwitchEnabled } }`, { id: darkMode });
        expectEqual(data.emergencyEnableFeature.killSwitchEnabled, false, "emergencyEnableFeature");
      },
    },
    {
      name: "createClient",
      request: async (gql, i) => {
        const name = `bench client ${run}-${i}`;
        const data = await gql(`mutation($input: CreateClientInput!) { createClient(input: $input) { secret client { id name } } }`, {
          input: { teamId: DEMO_TEAM_ID, environmentId: DEMO_ENVIRONMENT_IDS.development, name },
        });
        expectEqual(data.createClient.client.name, name, "createClient");
        if (typeof data.createClient.secret !== "string" || data.createClient.secret.length < 20) throw new Error("createClient returned no secret");
      },
    },
  ];
}

/** Nearest-rank percentile of ascending `sorted`. */
function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * Runs the warm-up and the timed requests of each scenario. The kill switch pair is measured
 * interleaved (disable, enable, disable, ...) since each needs the other's state.
 */
async function measure(gql: Gql, list: Scenario[]): Promise<MutationFigures[]> {
  const results: MutationFigures[] = [];
  let serial = 0;
  const groups: Scenario[][] = [];
  for (const scenario of list) {
    if (scenario.name === "emergencyEnableFeature") groups.at(-1)!.push(scenario);
    else groups.push([scenario]);
  }
  for (const group of groups) {
    for (let w = 0; w < WARMUP; w++) for (const s of group) await s.request(gql, serial++);
    const times = group.map(() => [] as number[]);
    const deadline = Date.now() + MUTATION_TIME_LIMIT_MS;
    for (let i = 0; i < ITERATIONS && Date.now() < deadline; i++) {
      for (const [index, s] of group.entries()) {
        const start = performance.now();
        await s.request(gql, serial++);
        times[index]!.push(performance.now() - start);
      }
    }
    group.forEach((s, index) => {
      const sorted = times[index]!.sort((a, b) => a - b);
      results.push({
        mutation: s.name, requests: sorted.length,
        p50Ms: round(percentile(sorted, 50)), p95Ms: round(percentile(sorted, 95)), p99Ms: round(percentile(sorted, 99)),
        maxMs: round(sorted.at(-1)!), timeBounded: sorted.length < ITERATIONS,
      });
    });
  }
  return results;
}

export async function runControlBench(): Promise<ControlBenchResult> {
  const stack = await startDevStack();
  try {
    const anonymous = client(stack.adminUrl);
    const session = await anonymous(`mutation($login: String!, $password: String!) {
      login(input: { login: $login, password: $password }) { accessToken } }`, { login: "admin@acme.test", password: DEMO_PASSWORD });
    const gql = client(stack.adminUrl, session.login.accessToken as string);
    const run = Date.now().toString(36);
    const loadBefore = os.loadavg().map(round);
    const mutations = await measure(gql, scenarios(run));
    return {
      machine: { nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? "unknown", node: process.version, platform: `${process.platform} ${os.release()}` },
      loadBefore,
      loadAfter: os.loadavg().map(round),
      warmup: WARMUP,
      iterations: ITERATIONS,
      mutations,
    };
  } finally {
    await stack.stop();
  }
}

export function formatControlBench(result: ControlBenchResult): string {
  const { machine } = result;
  return [
    `Control plane (wrangler dev, POST /graphql as the demo admin, one client, sequential; ${result.iterations} timed requests per ` +
      `mutation after ${result.warmup} warm-up, at most ${MUTATION_TIME_LIMIT_MS / 1000} s each; ${machine.nproc} CPUs ${machine.cpu}, ` +
      `node ${machine.node}; load average ${result.loadBefore.join(" ")} before, ${result.loadAfter.join(" ")} after)`,
    "| mutation | requests | p50 ms | p95 ms | p99 ms | max ms |",
    "|---|---:|---:|---:|---:|---:|",
    ...result.mutations.map((m) => `| ${m.mutation} | ${m.requests}${m.timeBounded ? " (time bound)" : ""} | ${m.p50Ms} | ${m.p95Ms} | ${m.p99Ms} | ${m.maxMs} |`),
    "Failures: 0 (any GraphQL error or non-200 answer aborts the run).",
  ].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Exit through process.exit so the stack's exit hook kills its process group on Ctrl-C too.
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
  try {
    const result = await runControlBench();
    console.log(formatControlBench(result));
    console.log(JSON.stringify(result, null, 2));
  } catch (error) {
    console.error(`control-plane benchmark failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
