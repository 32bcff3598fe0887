// Hostile GraphQL documents against the real Worker (`npm run dev` stack, wrangler dev + workerd):
// how long /graphql takes to refuse each one, and how long a `GET /ping` and an OFREP evaluation
// sent while it runs take, against the same requests on an idle Worker. Also the size of the
// largest legitimate body, an importFeatures call with 100 features (the import's maximum), which
// MAX_GRAPHQL_BODY_BYTES (workers/admin/graphql/body-limit.ts) must admit.
// Run: npx tsx scripts/bench-graphql-limits.ts
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEMO_PASSWORD, DEMO_SECRETS, DEMO_TEAM_ID } from "../db/seed/demo-data";
import { aliasFlood, deepListLiteral, deepSelection, fragmentBomb } from "../test/fixtures/hostile-graphql";
import { startDevStack } from "../test/e2e/support/dev-stack";
import { buildClientSchema, getIntrospectionQuery, specifiedRules, validate, type GraphQLSchema, type IntrospectionQuery } from "graphql";
import { MAX_GRAPHQL_BODY_BYTES } from "../workers/admin/graphql/body-limit";
import { parseWithinLimits } from "../workers/admin/graphql/document-size";
import { aliasLimitRule, costLimitRule, depthLimitRule, directiveLimitRule } from "../workers/admin/graphql/query-limits";

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const IDLE_SAMPLES = 21;

interface Timed {
  ms: number;
  status: number;
  body: string;
}

async function timed(url: string, init?: RequestInit): Promise<Timed> {
  const start = performance.now();
  const response = await fetch(url, init);
  const body = await response.text();
  return { ms: performance.now() - start, status: response.status, body };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (ms: number) => ms.toFixed(1);

interface Attack {
  name: string;
  query: string;
}

const ATTACKS: Attack[] = [
  { name: "fragment bomb k=22, `__typename` leaf", query: fragmentBomb(22) },
  { name: "fragment bomb k=22, field leaf", query: fragmentBomb(22, "bootstrapStatus { needsBootstrap }") },
  { name: "500,000 `aN: __typename` aliases", query: aliasFlood(500_000) },
  { name: "51 aliases (just over the limit)", query: aliasFlood(51) },
  { name: "10,000-deep selection", query: deepSelection(10_000) },
  { name: "10,000-deep list literal", query: deepListLiteral(10_000) },
];

/**
 * The Worker's own work on a document, without HTTP: the size pass, parse and every validation
 * rule /graphql runs, in this process (p50 of IDLE_SAMPLES runs), until the first refusal.
 */
function limitWorkMs(schema: GraphQLSchema, query: string): number {
  const samples: number[] = [];
  for (let i = 0; i < IDLE_SAMPLES; i++) {
    const start = performance.now();
    try {
      validate(schema, parseWithinLimits(query), [
        ...specifiedRules, aliasLimitRule(), directiveLimitRule(), depthLimitRule(), costLimitRule({}),
      ]);
    } catch {
      // a size limit: refused before parsing
    }
    samples.push(performance.now() - start);
  }
  return median(samples);
}

async function main(): Promise<void> {
  process.env.WRANGLER_REGISTRY_PATH ??= mkdtempSync(path.join(os.tmpdir(), "fluxgate-bench-registry-"));
  const stack = await startDevStack();
  try {
    const base = stack.baseUrl;
    const ping = () => timed(`${base}/ping`);
    const ofrep = () => timed(`${base}/ofrep/v1/evaluate/flags/checkout_button_text`, {
      method: "POST",
      headers: { authorization: `Bearer ${DEMO_SECRETS.development}`, "content-type": "application/json" },
      body: JSON.stringify({ context: { targetingKey: "user-1", plan: "pro" } }),
    });
    const graphql = (query: string, token?: string, variables?: unknown) => timed(`${base}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    for (const check of [await ping(), await ofrep()]) if (check.status !== 200) throw new Error(`warm-up answered ${check.status}: ${check.body}`);

    // The admin schema as the stack serves it (introspection is open in development).
    const introspection = JSON.parse((await graphql(getIntrospectionQuery())).body) as { data: IntrospectionQuery };
    const schema = buildClientSchema(introspection.data);
    console.log("parse + validate in-process (node, p50 of 21), the work a refusal costs the Worker:");
    for (const attack of ATTACKS) {
      if (attack.query.length > MAX_GRAPHQL_BODY_BYTES) continue; // refused by the body limit before parsing
      console.log(`- ${attack.name}: ${limitWorkMs(schema, attack.query).toFixed(2)} ms`);
    }
    console.log("");

    const idlePing: number[] = [];
    const idleOfrep: number[] = [];
    for (let i = 0; i < IDLE_SAMPLES; i++) {
      idlePing.push((await ping()).ms);
      idleOfrep.push((await ofrep()).ms);
    }
    console.log(`idle: GET /ping p50 ${fmt(median(idlePing))} ms, max ${fmt(Math.max(...idlePing))} ms; `
      + `OFREP evaluation p50 ${fmt(median(idleOfrep))} ms, max ${fmt(Math.max(...idleOfrep))} ms (${IDLE_SAMPLES} sequential each)`);
    console.log("");
    console.log(`| document | body bytes | answer | refused in p50 / max ms | /ping meanwhile p50 / max ms | OFREP meanwhile p50 / max ms |`);
    console.log("|---|---|---|---|---|---|");
    for (const attack of ATTACKS) {
      const refusals: number[] = [];
      const pings: number[] = [];
      const evaluations: number[] = [];
      let answer = "";
      for (let round = 0; round < ROUNDS; round++) {
        const attackRun = graphql(attack.query);
        // Sent right behind the attack, on their own connections: what a client waits meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 2));
        const [hostile, p, o] = await Promise.all([attackRun, ping(), ofrep()]);
        if (p.status !== 200 || o.status !== 200) throw new Error(`/ping ${p.status}, OFREP ${o.status} during ${attack.name}`);
        const code = /"code":"([A-Z_]+)"/.exec(hostile.body)?.[1] ?? "none";
        answer = `${hostile.status} ${code}`;
        refusals.push(hostile.ms);
        pings.push(p.ms);
        evaluations.push(o.ms);
      }
      const bytes = Buffer.byteLength(JSON.stringify({ query: attack.query }));
      console.log(`| ${attack.name} | ${bytes} | ${answer} | ${fmt(median(refusals))} / ${fmt(Math.max(...refusals))} `
        + `| ${fmt(median(pings))} / ${fmt(Math.max(...pings))} | ${fmt(median(evaluations))} / ${fmt(Math.max(...evaluations))} |`);
    }

    // Login timing: a wrong password for a real login against an unknown login (item 5 of issue 8:
    // the same password-hashing work). 4 tries per real login stay below the pair lockout, 24 in
    // all below the address throttle.
    const LOGIN = "mutation($l: String!, $p: String!) { login(input: { login: $l, password: $p }) { accessToken } }";
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 12; i++) {
      const real = await graphql(LOGIN, undefined, { l: ["viewer", "requester", "approver"][i % 3], p: `wrong-${i}` });
      const missing = await graphql(LOGIN, undefined, { l: `nobody-${i}@acme.test`, p: `wrong-${i}` });
      if (!real.body.includes("UNAUTHENTICATED") || !missing.body.includes("UNAUTHENTICATED")) throw new Error(`login answered ${real.body} / ${missing.body}`);
      known.push(real.ms);
      unknown.push(missing.ms);
    }
    console.log("");
    console.log(`failed logins (12 each, alternating): wrong password of a real login p50 ${fmt(median(known))} ms, `
      + `unknown login p50 ${fmt(median(unknown))} ms`);

    // The largest legitimate body: importFeatures with 100 features.
    const login = JSON.parse((await graphql(
      "mutation($l: String!, $p: String!) { login(input: { login: $l, password: $p }) { accessToken } }", undefined,
      { l: "admin", p: DEMO_PASSWORD })).body) as { data: { login: { accessToken: string } } };
    const exported = JSON.parse((await graphql("query($t: ID!) { exportFeatures(teamId: $t) }", login.data.login.accessToken,
      { t: DEMO_TEAM_ID })).body) as { data: { exportFeatures: { features: unknown[] } } };
    const demo = exported.data.exportFeatures.features;
    const largestDemo = demo.map((feature) => JSON.stringify(feature).length).reduce((a, b) => Math.max(a, b), 0);
    const importBody = (features: unknown[]) => Buffer.byteLength(JSON.stringify({
      query: "mutation($t: ID!, $p: ID!, $d: JSON!) { importFeatures(teamId: $t, pipelineId: $p, document: $d) { created skipped } }",
      variables: { t: DEMO_TEAM_ID, p: "pipeline", d: { format: "fluxgate.features/v1", features } },
    }));
    const heavy = heavyFeature();
    console.log("");
    console.log(`importFeatures bodies: 100 x the largest demo feature (${largestDemo} bytes of JSON): ${kib(importBody(Array(100).fill(
      demo.find((feature) => JSON.stringify(feature).length === largestDemo))))} KiB; 100 heavy features (3 stages x 5 rules x 3 `
      + `conditions of 10 values, ${JSON.stringify(heavy).length} bytes each): ${kib(importBody(Array(100).fill(heavy)))} KiB; `
      + `limit ${kib(MAX_GRAPHQL_BODY_BYTES)} KiB`);
  } finally {
    await stack.stop();
  }
}

const kib = (bytes: number) => (bytes / 1024).toFixed(1);

/** A feature with more targeting than any demo feature: every stage with five rules of three conditions. */
function heavyFeature(): unknown {
  const condition = (i: number) => ({ attribute: `attribute_${i}`, operator: "in", values: Array.from({ length: 10 }, (_, v) => `value-${i}-${v}`) });
  const rule = (r: number) => ({
    name: `Rule ${r}`, enabled: true, match: [{ conditions: [0, 1, 2].map(condition) }],
    serve: { kind: "split", bucketBy: "targetingKey", allocations: [{ variant: "on", weight: 50 }, { variant: "off", weight: 50 }] },
  });
  return {
    key: "checkout-redesign-with-a-long-key", name: "Checkout redesign", type: "boolean", description: "A feature with heavy targeting.",
    lifecycle: "active", owner: "team-payments", tags: ["checkout", "payments"], purpose: "release", referenceUrl: "https://example.com/ticket/1",
    expiresAt: null, cleanupReason: null,
    variants: [{ key: "on", value: true, description: "" }, { key: "off", value: false, description: "" }],
    prerequisites: [],
    stages: ["development", "staging", "production"].map((environmentKey) => ({
      environmentKey, defaultVariant: "off", offVariant: "off", rules: [1, 2, 3, 4, 5].map(rule),
    })),
  };
}

// Exit through process.exit so the stack's exit hook kills its process group on Ctrl-C too.
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(130));
await main();
