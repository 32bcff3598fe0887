// CORS: preflights (which carry no credential) are answered for the evaluation routes; real
// responses name the origin only for a web client that lists it, and always vary by Origin.
import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { seedDemo } from "./support/seed-demo";
import { call, ofrep, SINGLE, WEB_SECRET } from "./api-support";

beforeAll(async () => {
  await seedDemo(env);
});

const preflight = (path: string, origin?: string) =>
  exports.default.fetch(`http://fluxgate.test${path}`, {
    method: "OPTIONS",
    headers: origin === undefined ? {} : {
      Origin: origin,
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "authorization, content-type, if-none-match",
    },
  });

describe("preflight", () => {
  it.each([`${SINGLE}/BetaUsers`, SINGLE, "/evaluate"])("answers OPTIONS %s with 204 and the allowed methods and headers", async (path) => {
    const res = await preflight(path, "http://localhost:5173");
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(Object.fromEntries([
      "Access-Control-Allow-Origin", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers",
      "Access-Control-Max-Age", "Vary",
    ].map((h) => [h, res.headers.get(h)]))).toEqual({
      "Access-Control-Allow-Origin": "http://localhost:5173",
      "Access-Control-Allow-Methods": "POST, OPTIONS",
      "Access-Control-Allow-Headers": "Authorization, X-API-Key, Content-Type, If-None-Match",
      "Access-Control-Max-Age": "7200",
      Vary: "Origin",
    });
  });

  it("answers OPTIONS without an Origin with 204 and Allow, but no CORS headers", async () => {
    const res = await preflight("/evaluate");
    expect(res.status).toBe(204);
    expect(res.headers.get("Allow")).toBe("POST, OPTIONS");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});

describe("actual requests", () => {
  it("echoes a web client's listed origin and exposes ETag", async () => {
    const res = await call(SINGLE, { secret: WEB_SECRET, body: { context: {} }, headers: { Origin: "http://127.0.0.1:8787" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("http://127.0.0.1:8787");
    expect(res.headers.get("Access-Control-Expose-Headers")).toBe("ETag");
    expect(res.headers.get("Vary")).toBe("Origin");
  });

  it("also names the origin on a web client's evaluation errors, so the page can read them", async () => {
    const res = await ofrep("no_such_flag", {}, { secret: WEB_SECRET, headers: { Origin: "http://localhost:8787" } });
    expect(res.status).toBe(404);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("http://localhost:8787");
  });

  it("sends no CORS headers to a server client (only Vary)", async () => {
    const res = await ofrep("BetaUsers", {});
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
    expect(res.headers.get("Vary")).toBe("Origin");
  });

  it("sends no Access-Control-Allow-Origin with a 403 for an unlisted origin", async () => {
    const res = await ofrep("BetaUsers", {}, { secret: WEB_SECRET, headers: { Origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });
});
