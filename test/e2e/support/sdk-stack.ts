// Helpers for the SDK e2e tests: the admin API on the admin Worker's URL (log in, engage/release the kill switch), the OFREP
// bulk answer for a context, and polling.
import { demoVariantId, type DemoFeatureKey } from "../../../db/seed/demo-data";

export const ADMIN_LOGIN = { login: "admin@acme.test", password: "fluxgate-demo" };

export async function graphql<T>(adminUrl: string, query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
  const response = await fetch(`${adminUrl}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL errors: ${JSON.stringify(body.errors)}`);
  return body.data;
}

export async function adminToken(adminUrl: string): Promise<string> {
  const data = await graphql<{ login: { accessToken: string } }>(
    adminUrl, "mutation($login: String!, $password: String!) { login(input: { login: $login, password: $password }) { accessToken } }", ADMIN_LOGIN,
  );
  return data.login.accessToken;
}

/**
 * Changes the value of a demo variant through the admin API (updateFeatureVariant); the change is
 * committed and published to every environment of the feature at once.
 */
export async function setVariantValue(adminUrl: string, token: string, feature: DemoFeatureKey, position: number, value: unknown): Promise<void> {
  await graphql(
    adminUrl,
    "mutation($input: UpdateFeatureVariantInput!) { updateFeatureVariant(input: $input) { id } }",
    { input: { id: demoVariantId(feature, position), value: JSON.stringify(value) } },
    token,
  );
}

export interface OfrepFlag {
  key: string;
  value?: unknown;
  variant?: string;
  reason?: string;
  errorCode?: string;
}

export async function ofrepBulk(baseUrl: string, secret: string, context: Record<string, unknown>): Promise<OfrepFlag[]> {
  const response = await fetch(`${baseUrl}/ofrep/v1/evaluate/flags`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
    body: JSON.stringify({ context }),
  });
  if (response.status !== 200) throw new Error(`OFREP bulk answered ${response.status}`);
  return ((await response.json()) as { flags: OfrepFlag[] }).flags;
}

/** Polls `probe` (sync or async) until it returns a value other than undefined/false. */
export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
