// lazyRoutes (workers/evaluation/lazy-routes.ts): routes whose module loads on the first request to
// one of their paths. The loaded sub-app answers exactly as if it had been mounted at startup:
// same handlers, the parent's error and not-found answers.
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { lazyRoutes } from "../../workers/evaluation/lazy-routes";

function subApp() {
  const sub = new Hono();
  sub.post("/things", (c) => c.json({ made: true }, 201));
  sub.get("/broken", () => {
    throw new Error("boom");
  });
  return sub;
}

function parentWith(load: () => Promise<Hono>, paths = ["/things", "/broken"]) {
  const app = new Hono();
  app.route("/", lazyRoutes({
    paths,
    load,
    onError: (error, c) => c.json({ handledBy: "parent", message: error.message }, 500),
    notFound: (c) => c.json({ notFound: c.req.path }, 404),
  }));
  app.get("/eager", (c) => c.text("eager"));
  app.notFound((c) => c.json({ notFound: c.req.path }, 404));
  return app;
}

describe("lazyRoutes", () => {
  it("loads the sub-app on the first request to one of its paths, once", async () => {
    let loads = 0;
    const app = parentWith(async () => (loads++, subApp()));
    expect(await (await app.request("/eager")).text()).toBe("eager");
    expect(loads).toBe(0);
    const first = await app.request("/things", { method: "POST" });
    expect([first.status, await first.json()]).toEqual([201, { made: true }]);
    await app.request("/things", { method: "POST" });
    expect(loads).toBe(1);
  });

  it("answers the sub-app's errors and unmatched methods with the parent's handlers", async () => {
    const app = parentWith(async () => subApp());
    const broken = await app.request("/broken");
    expect([broken.status, await broken.json()]).toEqual([500, { handledBy: "parent", message: "boom" }]);
    const wrongMethod = await app.request("/things", { method: "GET" });
    expect([wrongMethod.status, await wrongMethod.json()]).toEqual([404, { notFound: "/things" }]);
  });

  it("tries the load again on the next request after it failed", async () => {
    let attempts = 0;
    const app = parentWith(async () => {
      if (++attempts === 1) throw new Error("load failed");
      return subApp();
    });
    const failed = await app.request("/things", { method: "POST" });
    expect([failed.status, await failed.json()]).toEqual([500, { handledBy: "parent", message: "load failed" }]);
    expect((await app.request("/things", { method: "POST" })).status).toBe(201);
    expect(attempts).toBe(2);
  });

  it("refuses a loaded sub-app that routes a path it did not declare", async () => {
    const app = parentWith(async () => subApp(), ["/things"]);
    const res = await app.request("/things", { method: "POST" });
    expect(await res.json()).toEqual({
      handledBy: "parent",
      message: "lazyRoutes: the loaded app routes undeclared paths /broken",
    });
  });
});
