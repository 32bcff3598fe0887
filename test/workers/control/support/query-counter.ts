// Counts what the admin API asks of D1: a D1Database stand-in that forwards to the real binding and
// records every round trip (a statement executed on its own, or one batch) and every statement.
export interface D1Counts {
  roundTrips: number;
  statements: number;
}

export function countingD1(real: D1Database): { db: D1Database; counts: D1Counts; reset(): void } {
  const counts: D1Counts = { roundTrips: 0, statements: 0 };
  const unwrap = new WeakMap<object, D1PreparedStatement>();
  const EXECUTE = new Set(["all", "raw", "run", "first"]);
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(statement, {
      get(target, property) {
        if (property === "bind") return (...values: unknown[]) => wrap(target.bind(...values));
        const value = Reflect.get(target, property, target);
        if (typeof property === "string" && EXECUTE.has(property)) {
          return (...args: unknown[]) => {
            counts.roundTrips++;
            counts.statements++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    unwrap.set(proxy, statement);
    return proxy;
  };
  const db = new Proxy(real, {
    get(target, property) {
      if (property === "prepare") return (query: string) => wrap(target.prepare(query));
      if (property === "batch") {
        return (statements: D1PreparedStatement[]) => {
          counts.roundTrips++;
          counts.statements += statements.length;
          return target.batch(statements.map((s) => unwrap.get(s) ?? s));
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, counts, reset: () => { counts.roundTrips = 0; counts.statements = 0; } };
}

/** Everything a feature list can show: variants, stages with environment and rules, prerequisites. */
export const FEATURE_LIST_QUERY = `query($t: ID!, $first: Int, $after: String) {
  features(teamId: $t, first: $first, after: $after) {
    nodes {
      id key type
      variants { id control value }
      stages { id status environment { id key } rules { id } }
      prerequisites { variant feature { id key } }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;
