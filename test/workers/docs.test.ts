// The API documents itself: /openapi.json (OpenAPI 3.1, generated from the zod schemas that also
// validate requests) and /docs (Swagger UI pointed at it).
import { describe, expect, it } from "vitest";
import { call } from "./api-support";

describe("GET /openapi.json", () => {
  it("is an OpenAPI 3.1 document describing every public operation", async () => {
    const res = await call("/openapi.json", { method: "GET", secret: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    const doc = res.json;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.info).toMatchObject({ title: "FluxGate evaluation API", version: "1.0.0" });
    const operations = Object.entries(doc.paths as Record<string, Record<string, { operationId: string }>>)
      .flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`));
    expect(operations.sort()).toEqual([
      "GET /health health",
      "GET /ofrep/v1/events ofrepEventStream",
      "GET /ping ping",
      "POST /evaluate evaluate",
      "POST /ofrep/v1/evaluate/flags evaluateFlagsBulk",
      "POST /ofrep/v1/evaluate/flags/{key} evaluateFlag",
    ]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["ApiKeyAuth", "BearerAuth"]);
  });

  it("documents the request schemas the routes validate with and the error statuses they answer", async () => {
    const doc = (await call("/openapi.json", { method: "GET", secret: null })).json;
    const single = doc.paths["/ofrep/v1/evaluate/flags/{key}"].post;
    expect(single.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/OfrepEvaluationRequest" });
    expect(Object.keys(single.responses).sort()).toEqual(["200", "400", "401", "403", "404", "413", "415", "429", "500", "503"]);
    expect(doc.components.schemas.OfrepEvaluationRequest.required).toEqual(["context"]);
    expect(doc.components.schemas.EvaluateRequest.required).toEqual(["flagKey"]);
    const bulk = doc.paths["/ofrep/v1/evaluate/flags"].post;
    expect(bulk.responses["200"].headers.ETag).toBeDefined();
    expect(bulk.responses["304"]).toBeDefined();
    expect(bulk.parameters).toEqual([expect.objectContaining({ in: "header", name: "If-None-Match" })]);
  });

  it("documents 429 with Retry-After in seconds on every evaluation route", async () => {
    const doc = (await call("/openapi.json", { method: "GET", secret: null })).json;
    for (const path of ["/ofrep/v1/evaluate/flags/{key}", "/ofrep/v1/evaluate/flags", "/evaluate"]) {
      const tooMany = doc.paths[path].post.responses["429"];
      expect(tooMany.description).toMatch(/^TOO_MANY_REQUESTS: more than 20 unknown credentials .* within 60 s/);
      expect(tooMany.headers["Retry-After"].schema).toMatchObject({ type: "integer", minimum: 1, maximum: 60 });
    }
    expect(doc.paths["/evaluate"].post.responses["429"].content["application/json"].schema)
      .toEqual({ $ref: "#/components/schemas/FluxGateError" });
  });
});

describe("GET /docs", () => {
  it("serves the Swagger UI page pointed at /openapi.json", async () => {
    const res = await call("/docs", { method: "GET", secret: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(res.text).toContain("swagger-ui");
    expect(res.text).toContain("/openapi.json");
  });
});
