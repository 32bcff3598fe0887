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
      "POST /v1/evaluation-counts reportEvaluationCounts",
      "POST /v1/track trackMetricEvents",
      "GET /v1/stream openFlagStream",
    ].sort());
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(["ApiKeyAuth", "BearerAuth", "SubprotocolAuth"]);
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

describe("GET /openapi.json: analytics ingestion and live delivery", () => {
  it("documents the ingestion bodies from the schemas that validate them, with their error statuses", async () => {
    const doc = (await call("/openapi.json", { method: "GET", secret: null })).json;
    const counts = doc.paths["/v1/evaluation-counts"].post;
    expect(counts.security).toEqual([{ BearerAuth: [] }, { ApiKeyAuth: [] }]);
    expect(counts.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/EvaluationCountsRequest" });
    expect(Object.keys(counts.responses).sort()).toEqual(["202", "400", "401", "403", "413", "415", "429", "500", "503"]);
    expect(counts.responses["413"].description).toBe("PAYLOAD_TOO_LARGE: body over 256 KiB.");
    expect(counts.responses["503"].description).toBe("COUNTS_UNAVAILABLE: the counts could not be stored right now; send them again after Retry-After.");
    expect(counts.responses["400"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/FluxGateError" });
    const request = doc.components.schemas.EvaluationCountsRequest;
    expect(request.required).toEqual(["windowStart", "windowEnd", "counts"]);
    expect(request.properties.reportId).toMatchObject({ type: "string", pattern: "^[A-Za-z0-9._:-]{8,100}$" });
    expect(request.properties.counts).toMatchObject({ type: "array", minItems: 0, maxItems: 1000 });
    const entry = doc.components.schemas.EvaluationCount;
    expect(entry.required).toEqual(["flag", "reason", "count"]);
    expect(entry.properties.reason.enum).toEqual(["STATIC", "DEFAULT", "TARGETING_MATCH", "SPLIT", "DISABLED", "ERROR"]);
    expect(entry.properties.count).toMatchObject({ type: "integer", minimum: 1, maximum: 1_000_000_000 });
    expect(entry.properties.flag).toMatchObject({ type: "string", minLength: 1, maxLength: 200 });

    const track = doc.paths["/v1/track"].post;
    expect(track.requestBody.content["application/json"].schema).toEqual({ $ref: "#/components/schemas/TrackRequest" });
    expect(Object.keys(track.responses).sort()).toEqual(["202", "400", "401", "403", "413", "415", "429", "500"]);
    expect(doc.components.schemas.TrackRequest.properties.events).toMatchObject({ type: "array", minItems: 1, maxItems: 500 });
    expect(doc.components.schemas.TrackEvent.required).toEqual(["metric", "flag", "variant", "targetingKey"]);
    expect(track.responses["202"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Accepted" });
  });

  it("documents the WebSocket upgrade, its credential carriers and its JSON refusals", async () => {
    const doc = (await call("/openapi.json", { method: "GET", secret: null })).json;
    const stream = doc.paths["/v1/stream"].get;
    expect(stream.security).toEqual([{ BearerAuth: [] }, { ApiKeyAuth: [] }, { SubprotocolAuth: [] }]);
    expect(doc.components.securitySchemes.SubprotocolAuth).toMatchObject({ type: "apiKey", in: "header", name: "Sec-WebSocket-Protocol" });
    expect(Object.keys(stream.responses).sort()).toEqual(["101", "400", "401", "403", "404", "426", "429", "500"]);
    expect(stream.responses["426"].headers.Upgrade).toBeDefined();
    expect(stream.responses["429"].headers["Retry-After"].schema).toMatchObject({ type: "integer", minimum: 1, maximum: 60 });
    expect(stream.description).toContain("docs/DELIVERY.md");
    expect(stream.parameters.map((p: { in: string; name: string }) => `${p.in} ${p.name}`).sort())
      .toEqual(["header Sec-WebSocket-Protocol", "header Upgrade", "query environment"]);
  });

  it("is internally consistent: every $ref resolves, operationIds are unique, every response is described", async () => {
    const doc = (await call("/openapi.json", { method: "GET", secret: null })).json;
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node !== null && typeof node === "object") {
        for (const [key, value] of Object.entries(node)) {
          if (key === "$ref" && typeof value === "string") refs.push(value);
          else walk(value);
        }
      }
    };
    walk(doc);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) {
      const target = ref.replace(/^#\//, "").split("/").reduce<any>((at, part) => at?.[part], doc);
      expect(target, ref).toBeDefined();
    }
    const operations = Object.values(doc.paths as Record<string, Record<string, any>>).flatMap((methods) => Object.values(methods));
    const ids = operations.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of operations) {
      for (const [status, response] of Object.entries(op.responses as Record<string, { description?: string }>)) {
        expect(status, op.operationId).toMatch(/^[1-5]\d\d$/);
        expect(typeof response.description, `${op.operationId} ${status}`).toBe("string");
      }
      for (const scheme of (op.security ?? []).flatMap((s: object) => Object.keys(s))) {
        expect(doc.components.securitySchemes[scheme], scheme).toBeDefined();
      }
    }
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
