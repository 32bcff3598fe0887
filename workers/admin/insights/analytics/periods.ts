// Time windows of the analytics queries, in whole minutes since the Unix epoch (the rollups' unit).
// A period of N minutes is the N minutes ending with the current one: [now - N + 1, now].
import { badInput } from "../../core/errors";

export const ANALYTICS_PERIODS = {
  PERIOD_1H: 60,
  PERIOD_24H: 24 * 60,
  PERIOD_7D: 7 * 24 * 60,
  PERIOD_30D: 30 * 24 * 60,
} as const;
export type AnalyticsPeriod = keyof typeof ANALYTICS_PERIODS;

export interface MinuteWindow {
  /** First minute included. */
  fromMinute: number;
  /** Last minute included. */
  toMinute: number;
}

export const MINUTE_MS = 60_000;
export const minuteOf = (date: Date) => Math.floor(date.getTime() / MINUTE_MS);
export const minuteStart = (minute: number) => new Date(minute * MINUTE_MS);

export function periodWindow(period: AnalyticsPeriod, now: Date, field = "period"): MinuteWindow {
  const minutes = ANALYTICS_PERIODS[period];
  if (minutes === undefined) throw badInput(field, `${field}: must be one of ${Object.keys(ANALYTICS_PERIODS).join(", ")}`);
  const toMinute = minuteOf(now);
  return { fromMinute: toMinute - minutes + 1, toMinute };
}

/** The longest explicit range a query may cover (the rollups' retention). */
export const MAX_RANGE_MINUTES = 90 * 24 * 60;

/** [from, to] as minutes: `from`'s minute through the minute before `to` (to is exclusive). */
export function rangeWindow(from: Date, to: Date): MinuteWindow {
  if (!(to.getTime() > from.getTime())) throw badInput("to", "to: must be after from");
  const fromMinute = minuteOf(from);
  const toMinute = Math.ceil(to.getTime() / MINUTE_MS) - 1;
  if (toMinute - fromMinute + 1 > MAX_RANGE_MINUTES) throw badInput("from", "from: the range may cover at most 90 days");
  return { fromMinute, toMinute };
}
