// Features created per UTC calendar bucket (DAY, WEEK starting Monday, calendar MONTH) over
// [from, to), every bucket listed (zero-filled). The first and last buckets are cut by the range
// (bucketStart / bucketEnd say so). cumulativeCount is the number of the team's features created
// before the bucket's end, those created before `from` included (features deleted since are not
// counted: D1 keeps no row of them). Three statements in ONE D1 batch: one round trip.
import { sql } from "drizzle-orm";
import { requireTeamMember, type Principal } from "../../identity/authz";
import type { ControlDeps } from "../../core/deps";
import { badInput, notFound } from "../../core/errors";
import { readBatch } from "./raw-batch";
import { bucketStart, bucketStarts, BUCKET_INTERVALS, DAY_MS, nextBucket, type BucketInterval } from "./utc-buckets";

export const MAX_GROWTH_BUCKETS = 366;

export interface GrowthBucket {
  bucketStart: Date;
  bucketEnd: Date;
  teamId: string;
  teamName: string;
  featureCount: number;
  cumulativeCount: number;
}

export async function featureGrowth(
  deps: ControlDeps, principal: Principal, args: { teamId: string; from: Date; to: Date; interval: BucketInterval },
): Promise<GrowthBucket[]> {
  requireTeamMember(principal, args.teamId);
  if (!BUCKET_INTERVALS.includes(args.interval)) throw badInput("interval", `interval: must be one of ${BUCKET_INTERVALS.join(", ")}`);
  const from = args.from.getTime();
  const to = args.to.getTime();
  if (!(to > from)) throw badInput("to", "to: must be after from");
  const starts = bucketStarts(args.interval, from, to, MAX_GROWTH_BUCKETS);
  if (starts.length > MAX_GROWTH_BUCKETS) {
    throw badInput("interval", `interval: the range has more than ${MAX_GROWTH_BUCKETS} ${args.interval} buckets; choose a larger interval or a shorter range`);
  }
  const [team, [before], perDay] = await readBatch<[{ name: string }[], { count: number }[], { day: number; count: number }[]]>(deps, [
    sql`SELECT name FROM teams WHERE id = ${args.teamId}`,
    sql`SELECT COUNT(*) AS count FROM features WHERE team_id = ${args.teamId} AND created_at < ${from}`,
    sql`
      SELECT created_at / ${sql.raw(String(DAY_MS))} AS day, COUNT(*) AS count FROM features
      WHERE team_id = ${args.teamId} AND created_at >= ${from} AND created_at < ${to} GROUP BY day`,
  ]);
  if (!team[0]) throw notFound("Team");
  // Days never straddle buckets (every bucket starts at 00:00 UTC), so day counts add up per bucket.
  const perBucket = new Map<number, number>();
  for (const row of perDay) {
    const start = bucketStart(args.interval, row.day * DAY_MS);
    perBucket.set(start, (perBucket.get(start) ?? 0) + row.count);
  }
  let cumulative = before?.count ?? 0;
  return starts.map((start) => {
    const featureCount = perBucket.get(start) ?? 0;
    cumulative += featureCount;
    return {
      bucketStart: new Date(Math.max(start, from)), bucketEnd: new Date(Math.min(nextBucket(args.interval, start), to)),
      teamId: args.teamId, teamName: team[0]!.name, featureCount, cumulativeCount: cumulative,
    };
  });
}
