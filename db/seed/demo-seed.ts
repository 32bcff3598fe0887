// Turns the demo rows into idempotent SQL (for D1 batches and `wrangler d1 execute --file`) and
// into the KV client records the evaluation Worker reads. Re-running inserts only missing rows:
// `ON CONFLICT DO NOTHING` never duplicates a row nor overwrites an admin's later edit.
import { getTableColumns, getTableName, type Table } from "drizzle-orm";
import { clientKvKey, type ClientRecord } from "../../protocol/delivery";
import { sha256Hex } from "../../protocol/secret-hash";
import {
  clients, contexts, environments, featureStages, features, pipelineStages, pipelines,
  prerequisites, rules, segments, teamMemberships, teams, users, variants,
} from "../schema";
import {
  demoClients, demoContexts, demoEnvironments, demoFeatureStages, demoFeatures, demoPipelineStages,
  demoMemberships, demoPipelines, demoPrerequisites, demoRules, demoSegments, demoTeams, demoUsers, demoVariants,
  DEMO_CLIENT_IDS, DEMO_SECRETS, type DemoClientName,
} from "./demo-data";

/** Parents before children, so foreign keys hold at every statement. */
const SEED_TABLES: [Table, Record<string, unknown>[]][] = [
  [teams, demoTeams],
  [users, demoUsers],
  [teamMemberships, demoMemberships],
  [environments, demoEnvironments],
  [pipelines, demoPipelines],
  [pipelineStages, demoPipelineStages],
  [contexts, demoContexts],
  [segments, demoSegments],
  [features, demoFeatures],
  [variants, demoVariants],
  [featureStages, demoFeatureStages],
  [rules, demoRules],
  [prerequisites, demoPrerequisites],
  [clients, demoClients],
];

/** One `INSERT ... ON CONFLICT DO NOTHING` per row, in foreign-key order. */
export function demoSeedStatements(): string[] {
  return SEED_TABLES.flatMap(([table, rows]) => rows.map((row) => insertStatement(table, row)));
}

/** KV entries for every demo client: key `client:<sha256(secret)>`. */
export async function demoClientRecords(): Promise<{ key: string; value: ClientRecord }[]> {
  return Promise.all(demoClients.map(async (client) => {
    const secret = DEMO_SECRETS[demoClientName(client.id!)];
    const secretHash = await sha256Hex(secret);
    return {
      key: clientKvKey(secretHash),
      value: {
        clientId: client.id!, secretHash, teamId: client.teamId, environmentId: client.environmentId,
        kind: client.kind ?? "server", enabled: client.enabled ?? true, origins: client.webOrigins ?? [],
      },
    };
  }));
}

function demoClientName(clientId: string): DemoClientName {
  const name = (Object.keys(DEMO_CLIENT_IDS) as DemoClientName[]).find((n) => DEMO_CLIENT_IDS[n] === clientId);
  if (!name) throw new Error(`demo client ${clientId} has no secret`);
  return name;
}

/** Values go through drizzle's own column mapping (json -> text, boolean -> 0/1, Date -> epoch ms). */
function insertStatement(table: Table, row: Record<string, unknown>): string {
  const columns = getTableColumns(table);
  const names: string[] = [];
  const values: string[] = [];
  for (const [property, value] of Object.entries(row)) {
    const column = columns[property];
    if (!column) throw new Error(`${getTableName(table)} has no column ${property}`);
    if (value === undefined) continue;
    names.push(`"${column.name}"`);
    values.push(sqlLiteral(value === null ? null : column.mapToDriverValue(value)));
  }
  return `INSERT INTO "${getTableName(table)}" (${names.join(", ")}) VALUES (${values.join(", ")}) ON CONFLICT DO NOTHING;`;
}

function sqlLiteral(value: unknown): string {
  if (value === null) return "NULL";
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "string") return `'${value.replaceAll("'", "''")}'`;
  throw new Error(`cannot write ${typeof value} as a SQL literal`);
}
