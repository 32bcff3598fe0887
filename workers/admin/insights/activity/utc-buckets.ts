// Calendar buckets in UTC: days, weeks starting on Monday, calendar months. Pure.
export const DAY_MS = 86_400_000;
export const BUCKET_INTERVALS = ["DAY", "WEEK", "MONTH"] as const;
export type BucketInterval = (typeof BUCKET_INTERVALS)[number];

export const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;

/** Start of the bucket containing `ms`. */
export function bucketStart(interval: BucketInterval, ms: number): number {
  const day = dayStart(ms);
  if (interval === "DAY") return day;
  if (interval === "WEEK") return day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS; // Monday = 0
  const date = new Date(day);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

/** Start of the bucket after the one starting at `start`. */
export function nextBucket(interval: BucketInterval, start: number): number {
  if (interval === "DAY") return start + DAY_MS;
  if (interval === "WEEK") return start + 7 * DAY_MS;
  const date = new Date(start);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** Starts of the buckets meeting [from, to); stops counting past `limit` (returns limit + 1 starts then). */
export function bucketStarts(interval: BucketInterval, from: number, to: number, limit: number): number[] {
  const starts: number[] = [];
  for (let start = bucketStart(interval, from); start < to && starts.length <= limit; start = nextBucket(interval, start)) starts.push(start);
  return starts;
}
