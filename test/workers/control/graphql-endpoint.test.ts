import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
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

