// The figures `npm run bench:scale` joins: each bench/scale/*.scale.ts file prints one line
// `BENCH_SCALE_PART {json}` (part "fleet", "relay" or "large"); this module finds those lines in
// the run's output, checks every figure is there, and builds the one-line JSON summary and
// a readable table. A part or figure that is missing is named, never filled in.

export const PART_FIELDS = {
  fleet: ["locations", "isolatesPerLocation", "objectCallsPerSecond", "changeToEvalP50Ms", "changeToEvalP99Ms"],
  relay: ["relays", "subscribers", "deliveryP50Ms", "deliveryP99Ms", "objectSendsPerChange"],
  large: ["flags", "snapshotBytes", "coldFirstAnswerMs", "bulkMs"],
} as const;

export type PartName = keyof typeof PART_FIELDS;
export type Parts = { [P in PartName]: Record<(typeof PART_FIELDS)[P][number], number> };

export interface Summary {
  locations: number; isolatesPerLocation: number; objectCallsPerSecond: number;
  relays: number; subscribers: number; deliveryP99Ms: number; objectSendsPerChange: number;
  flags: number; coldFirstAnswerMs: number; bulkMs: number;
}

const ANSI = /\u001b\[[0-9;]*m/g;
const LINE = /BENCH_SCALE_PART (\{.*\})\s*$/;

/** Every part line in the output (the last one of a part wins), and the problems found. */
export function collectParts(output: string): { parts: Partial<Parts>; problems: string[] } {
  const parts: Partial<Record<PartName, Record<string, number>>> = {};
  const problems: string[] = [];
  for (const raw of output.split(/\r?\n/)) {
    const match = LINE.exec(raw.replace(ANSI, ""));
    if (match === null) continue;
    let json: unknown;
    try {
      json = JSON.parse(match[1]!);
    } catch {
      problems.push(`unreadable BENCH_SCALE_PART line: ${match[1]}`);
      continue;
    }
    const part = (json as { part?: unknown }).part;
    if (typeof part !== "string" || !(part in PART_FIELDS)) {
      problems.push(`BENCH_SCALE_PART line with unknown part ${JSON.stringify(part)}`);
      continue;
    }
    parts[part as PartName] = json as Record<string, number>;
  }
  for (const name of Object.keys(PART_FIELDS) as PartName[]) {
    const part = parts[name];
    if (part === undefined) {
      problems.push(`part "${name}" is missing: no BENCH_SCALE_PART {"part":"${name}",...} line (bench/scale/${name}.scale.ts)`);
      continue;
    }
    for (const field of PART_FIELDS[name]) {
      const value = (part as Record<string, unknown>)[field];
      if (typeof value !== "number" || !Number.isFinite(value)) problems.push(`part "${name}" has no numeric ${field} (got ${JSON.stringify(value)})`);
    }
  }
  return { parts: parts as Partial<Parts>, problems };
}

/** The one-line JSON, in its field order. */
export function summarise(parts: Parts): Summary {
  const { fleet, relay, large } = parts;
  return {
    locations: fleet.locations, isolatesPerLocation: fleet.isolatesPerLocation, objectCallsPerSecond: fleet.objectCallsPerSecond,
    relays: relay.relays, subscribers: relay.subscribers, deliveryP99Ms: relay.deliveryP99Ms, objectSendsPerChange: relay.objectSendsPerChange,
    flags: large.flags, coldFirstAnswerMs: large.coldFirstAnswerMs, bulkMs: large.bulkMs,
  };
}

/** The targets ("Done when"), each with whether the run met it. */
export function targets(parts: Parts): { target: string; met: boolean }[] {
  const { fleet, relay, large } = parts;
  return [
    { target: `objectCallsPerSecond ${fleet.objectCallsPerSecond} <= 1.2 x L = ${round(1.2 * fleet.locations)}`, met: fleet.objectCallsPerSecond <= 1.2 * fleet.locations },
    { target: `objectSendsPerChange ${relay.objectSendsPerChange} = R = ${relay.relays}`, met: relay.objectSendsPerChange === relay.relays },
    { target: `deliveryP99Ms ${relay.deliveryP99Ms} <= 250`, met: relay.deliveryP99Ms <= 250 },
    { target: `coldFirstAnswerMs ${large.coldFirstAnswerMs} <= 20 (F = ${large.flags})`, met: large.coldFirstAnswerMs <= 20 },
  ];
}

const round = (x: number) => Math.round(x * 100) / 100;

export function formatTable(parts: Parts): string {
  const rows: [string, string, string][] = [];
  for (const name of Object.keys(PART_FIELDS) as PartName[]) {
    for (const field of PART_FIELDS[name]) rows.push([name, field, String((parts[name] as Record<string, number>)[field])]);
  }
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), ["part", "figure", "value"][i]!.length));
  const line = (r: readonly string[]) => r.map((c, i) => (i === 2 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ");
  const table = [line(["part", "figure", "value"]), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
  const checks = targets(parts).map((t) => `${t.met ? "met   " : "MISSED"} ${t.target}`);
  return [...table, "", "targets (issue 12):", ...checks].join("\n");
}
