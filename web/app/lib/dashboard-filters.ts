// The evaluation dashboard's filters, kept in the URL (?env=&feature=&client=&hours=&interval=) so a
// view is linkable. Parsing mirrors the API's checks (EvaluationDashboardInput: interval 1..60
// minutes or whole hours up to a day, window up to 2160 h for queries and 24 h for live subscriptions, at most 1440 buckets),
// so a bad link shows what to fix instead of a refused request.

export const WINDOW_CHOICES = [
  { hours: 1, label: "1 hour" }, { hours: 6, label: "6 hours" }, { hours: 12, label: "12 hours" },
  { hours: 24, label: "24 hours" }, { hours: 48, label: "2 days" }, { hours: 168, label: "7 days" },
  { hours: 720, label: "30 days" }, { hours: 2160, label: "90 days" },
] as const;
// Hours and a day for the long windows: 90 days at 60 minutes would exceed the API's 1440 buckets.
export const INTERVAL_CHOICES = [1, 5, 10, 15, 30, 60, 120, 360, 1440] as const;
export const MAX_INTERVAL_MINUTES = 1440;

/** The API's intervals: 1-60 minutes, or whole hours up to a day. */
export const isValidInterval = (n: number) =>
  Number.isInteger(n) && ((n >= 1 && n <= 60) || (n > 60 && n <= MAX_INTERVAL_MINUTES && n % 60 === 0));

/** The interval menu's wording: "15 min", "2 hours", "1 day". */
export const intervalLabel = (n: number) => (n <= 60 ? `${n} min` : n === 1440 ? "1 day" : `${n / 60} hours`);

/** "Evaluations per …": "minute", "15 minutes", "2 hours", "day". */
export const intervalPhrase = (n: number) =>
  n === 1 ? "minute" : n <= 60 ? `${n} minutes` : n === 1440 ? "day" : `${n / 60} hours`;

export const MAX_QUERY_HOURS = 2160;
/** Windows up to this many hours are pushed live by the API's subscriptions; longer ones are queries. */
export const MAX_LIVE_HOURS = 24;
export const MAX_BUCKETS = 1440;
const FEATURE_KEY_MAX = 128;

export interface EvaluationFilters {
  /** An environment id, or "" for every environment of the team. */
  environment: string;
  featureKey: string;
  /** A client id, or "" for every client. */
  client: string;
  hours: number;
  interval: number;
}

export const DEFAULT_FILTERS: EvaluationFilters = { environment: "", featureKey: "", client: "", hours: 24, interval: 15 };

export type FilterField = "hours" | "interval" | "feature";

/**
 * The most buckets the API can cut a window of `hours` into at `interval` minutes: buckets are
 * aligned to the epoch, so an unaligned window touches one more than hours*60/interval.
 */
export function worstBucketCount(hours: number, interval: number): number {
  return Math.floor((hours * 60 - 1) / interval) + 2;
}

/** Why the interval does not fit the window, or null. */
export function intervalProblem(hours: number, interval: number): string | null {
  const count = worstBucketCount(hours, interval);
  if (count <= MAX_BUCKETS) return null;
  return `${hours} hours at ${interval}-minute intervals would be up to ${count} buckets (at most ${MAX_BUCKETS}); choose a larger interval.`;
}

/** The smallest offered interval that fits the window. */
export function smallestInterval(hours: number): number {
  return INTERVAL_CHOICES.find((n) => intervalProblem(hours, n) === null) ?? 60;
}

function intParam(value: string | null, fallback: number): number {
  if (value === null || value.trim() === "") return fallback;
  return /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
}

/** The filters in a URL's search params, with a message per field that the API would refuse. */
export function parseFilters(params: URLSearchParams): { filters: EvaluationFilters; problems: Partial<Record<FilterField, string>> } {
  const problems: Partial<Record<FilterField, string>> = {};
  const hours = intParam(params.get("hours"), DEFAULT_FILTERS.hours);
  const interval = intParam(params.get("interval"), DEFAULT_FILTERS.interval);
  const featureKey = (params.get("feature") ?? "").trim();
  if (!Number.isInteger(hours) || hours < 1 || hours > MAX_QUERY_HOURS) {
    problems.hours = `The window must be a whole number of hours from 1 to ${MAX_QUERY_HOURS} (90 days).`;
  }
  if (!isValidInterval(interval)) {
    problems.interval = "The interval must be 1 to 60 minutes, or whole hours up to a day (1440 minutes).";
  } else if (!problems.hours) {
    const problem = intervalProblem(hours, interval);
    if (problem) problems.interval = problem;
  }
  if (featureKey.length > FEATURE_KEY_MAX) problems.feature = `A feature key has at most ${FEATURE_KEY_MAX} characters.`;
  return {
    filters: { environment: (params.get("env") ?? "").trim(), featureKey, client: params.get("client") ?? "", hours, interval },
    problems,
  };
}

/** The URL search of these filters, defaults left out (short, stable links). */
export function filtersSearch(filters: EvaluationFilters): string {
  const params = new URLSearchParams();
  if (filters.environment) params.set("env", filters.environment);
  if (filters.featureKey) params.set("feature", filters.featureKey);
  if (filters.client) params.set("client", filters.client);
  if (filters.hours !== DEFAULT_FILTERS.hours) params.set("hours", String(filters.hours));
  if (filters.interval !== DEFAULT_FILTERS.interval) params.set("interval", String(filters.interval));
  const search = params.toString();
  return search ? `?${search}` : "";
}

/** The API's EvaluationDashboardInput for the filters: one environment, or the whole team. */
export function dashboardInput(filters: EvaluationFilters, teamId: string) {
  return {
    ...(filters.environment ? { environmentId: filters.environment } : { teamId }),
    ...(filters.featureKey ? { featureKey: filters.featureKey } : {}),
    ...(filters.client ? { clientId: filters.client } : {}),
    durationHours: filters.hours,
    intervalMinutes: filters.interval,
  };
}

export const isLiveWindow = (hours: number) => hours <= MAX_LIVE_HOURS;
