import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { controlYoga } from "../../../workers/admin/graphql/yoga";
import { PUBLIC_DEVELOPMENT_KEY } from "../../../workers/admin/identity/signing-keys";
import { seedDemo } from "../support/seed-demo";

const LOGIN = `mutation { login(input: { login: "admin@acme.test", password: "fluxgate-demo" }) { accessToken } }`;

async function loginWith(overrides: Record<string, string>) {
  const request = new Request("http://fluxgate.test/graphql", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: LOGIN }),
  });
  const response = await controlYoga().fetch(request, { env: { ...env, ...overrides } });
  return (await response.json()) as { data?: { login: { accessToken: string } | null }; errors?: { message: string }[] };
}

describe("AUTH_ENCRYPTION_KEY", () => {
  beforeAll(async () => {
    await seedDemo(env);
  });

  it("is the public development key in wrangler.toml's top-level vars", () => {
    expect(env.AUTH_ENCRYPTION_KEY).toBe(PUBLIC_DEVELOPMENT_KEY);
  });

  it("refuses to sign in anyone outside development while the public development key is configured", async () => {
    const answer = await loginWith({ FLUXGATE_ENV: "production" });
    expect(answer.data?.login ?? null).toBeNull();
    expect(answer.errors?.map((e) => e.message)).toEqual(["Unexpected error"]);
  });

  it("signs in outside development with a key of the deployment's own", async () => {
    const ownKey = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))));
    const answer = await loginWith({ FLUXGATE_ENV: "production", AUTH_ENCRYPTION_KEY: ownKey });
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.login?.accessToken).toMatch(/^ey/);
  });
});
