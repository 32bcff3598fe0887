import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
it("runs", async () => {
  const r = await exports.default.fetch("http://x/ping");
  expect(await r.text()).toBe("pong");
  const n = await env.DB.prepare("select count(*) as n from teams").first<{ n: number }>();
  expect(n?.n).toBe(0);
  expect(await env.ENVIRONMENTS.getByName("x").ping()).toBe("pong");
});
