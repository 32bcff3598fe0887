// The evaluation Worker serves a pre-generated OpenAPI document (workers/evaluation/openapi/
// openapi.json) so its bundle carries no generator; this keeps the committed file equal to what
// the route definitions and schemas generate. Fix a failure with `npm run build:openapi`.
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { OPENAPI_FILE, renderOpenApi } from "../../scripts/build-openapi";

describe("workers/evaluation/openapi/openapi.json", () => {
  it("is what the route definitions and the zod schemas generate (npm run build:openapi)", async () => {
    expect(await readFile(OPENAPI_FILE, "utf8")).toBe(renderOpenApi());
  });
});
