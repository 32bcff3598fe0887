import { env, exports } from "cloudflare:workers";
import { GraphQLError } from "graphql";
import { describe, expect, it } from "vitest";
import { maskError } from "../../../workers/admin/graphql/mask-error";
import { controlYoga } from "../../../workers/admin/graphql/yoga";
import { badInput, rateLimited } from "../../../workers/admin/core/errors";
import { codes, gql } from "./support/graphql";

describe("/graphql endpoint", () => {
  it("answers a query over POST", async () => {
    const answer = await gql("{ bootstrapStatus { needsBootstrap } }");
    expect(answer).toEqual({ status: 200, data: { bootstrapStatus: { needsBootstrap: true } }, errors: undefined });
  });

  it("serves GraphiQL to browsers when FLUXGATE_ENV is development (wrangler.toml)", async () => {
    const response = await exports.default.fetch("http://fluxgate.test/graphql", { headers: { accept: "text/html" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/html");
    expect(await response.text()).toContain("FluxGate admin API");
  });

  it("serves GraphiQL opening on the login mutation when FLUXGATE_ENV is production (introspection needs a token)", async () => {
    const request = new Request("http://fluxgate.test/graphql", { headers: { accept: "text/html" } });
    const response = await controlYoga().fetch(request, { env: { ...env, FLUXGATE_ENV: "production" } });
    const page = await response.text();
    expect(page).toContain("FluxGate admin API");
    expect(page).toContain("mutation SignIn");
  });

  it("answers CORS preflights for any origin (tokens travel in headers, never in cookies)", async () => {
    const response = await exports.default.fetch("http://fluxgate.test/graphql", {
      method: "OPTIONS",
      headers: { origin: "http://localhost:5173", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(response.headers.get("access-control-allow-headers")).toBe("content-type, authorization");
  });

  it("reports syntax and unknown-field errors with GraphQL's messages", async () => {
    const answer = await gql("{ bootstrapStatus { nope } }");
    expect(answer.errors?.map((e) => e.message)).toEqual(['Cannot query field "nope" on type "BootstrapStatus".']);
  });
});


describe("error masking", () => {
  const located = (original: Error) => new GraphQLError(original.message, { path: ["login"], originalError: original });

  it("turns ControlErrors into coded errors with their field or retry time", () => {
    const field = maskError(located(badInput("input.email", "input.email: must be an email address"))) as GraphQLError;
    expect([field.message, field.path, field.extensions]).toEqual([
      "input.email: must be an email address", ["login"], { code: "BAD_USER_INPUT", field: "input.email" },
    ]);
    const limited = maskError(located(rateLimited(new Date(Date.UTC(2026, 0, 1))))) as GraphQLError;
    expect(limited.extensions).toEqual({ code: "RATE_LIMITED", retryAt: "2026-01-01T00:00:00.000Z" });
  });

  it("hides anything unexpected behind INTERNAL_SERVER_ERROR", () => {
    const masked = maskError(located(new Error("D1_ERROR: no such table: users"))) as GraphQLError;
    expect([masked.message, masked.extensions]).toEqual(["Unexpected error", { code: "INTERNAL_SERVER_ERROR" }]);
  });

  it("passes GraphQL's own errors through", () => {
    const own = new GraphQLError("Syntax Error: Expected Name, found <EOF>.");
    expect(maskError(own)).toBe(own);
  });
});
