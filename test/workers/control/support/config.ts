// Shared by the configuration tests (environments, pipelines, contexts, segments, features, rules,
// clients): tokens per role (logged in once per reseed), a pristine start, and bounded polling.
import { env } from "cloudflare:workers";
import { DEMO_ENVIRONMENT_IDS } from "../../../../db/seed/demo-data";
import { publishEnvironments } from "../../../../durable-objects/publish";
import { clearClientCache } from "../../../../workers/evaluation/data/client-auth";
import { codes, gql, ok, type GraphQLAnswer } from "./graphql";
import { loginAs, reseedControl, type Role } from "./sessions";

export const ROLES: Role[] = ["admin", "teamadmin", "approver", "requester", "viewer", "outsider"];

let tokens = new Map<Role, Promise<string>>();

export function tokenFor(role: Role): Promise<string> {
  let token = tokens.get(role);
  if (!token) tokens.set(role, (token = loginAs(role).then((session) => session.accessToken)));
  return token;
}

/**
 * Pristine demo data plus the outsider's team, published to the demo environments, and no cached
 * credentials. The environment objects are published, not reset: their versions stay monotonic,
 * as in production, so the evaluation Worker's snapshot cache (which compares versions) picks the
 * pristine content up within its revalidation interval. Read evaluation results with `poll`.
 */
export async function pristine(): Promise<void> {
  await reseedControl();
  await publishEnvironments(env, Object.values(DEMO_ENVIRONMENT_IDS));
  clearClientCache();
  tokens = new Map();
}

/** Runs `query` as `role`. */
export async function as<T = any>(role: Role, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer<T>> {
  return gql<T>(query, variables, await tokenFor(role));
}

/** The single error of an answer as { code, field } (field only when the API named one). */
export function failure(answer: GraphQLAnswer): { code: string | undefined; field?: string } {
  if (answer.errors?.length !== 1) throw new Error(`expected one error, got ${JSON.stringify(answer.errors ?? answer.data)}`);
  const { code, field } = answer.errors[0]!.extensions ?? {};
  return field === undefined ? { code } : { code, field };
}

/** Polls `read` until `accept` holds (bounded: 100 tries, 100 ms apart); returns the last value. */
export async function poll<T>(read: () => Promise<T>, accept: (value: T) => boolean): Promise<T> {
  let value = await read();
  for (let attempt = 0; attempt < 100 && !accept(value); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await read();
  }
  return value;
}

export { codes, ok };
