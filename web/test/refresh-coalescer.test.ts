// Concurrent requests of one browser must share one refresh of a rotating refresh token.
import { describe, expect, test } from "vitest";
import { REMEMBER_ROTATION_MS, RefreshCoalescer } from "../app/lib/refresh-coalescer.server";

describe("refresh coalescer", () => {
  test("parallel refreshes of one token call the API once and share its session", async () => {
    const coalescer = new RefreshCoalescer<string>();
    let calls = 0;
    let release!: (session: string) => void;
    const refresh = () => {
      calls++;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const results = Promise.all([coalescer.run("rt-1", refresh), coalescer.run("rt-1", refresh), coalescer.run("rt-1", refresh)]);
    release("session-2");
    expect(await results).toEqual(["session-2", "session-2", "session-2"]);
    expect(calls).toBe(1);
  });

  test("a request still carrying the spent token shortly after gets the same rotation, later ones refresh again", async () => {
    let now = 1_000;
    const coalescer = new RefreshCoalescer<string>(() => now);
    let calls = 0;
    const refresh = async () => `session-${++calls}`;
    expect(await coalescer.run("rt-1", refresh)).toBe("session-1");
    now += REMEMBER_ROTATION_MS - 1;
    expect(await coalescer.run("rt-1", refresh)).toBe("session-1");
    now += 1;
    expect(await coalescer.run("rt-1", refresh)).toBe("session-2");
    expect(await coalescer.run("rt-other", refresh)).toBe("session-3");
  });

  test("a failed refresh is not remembered", async () => {
    const coalescer = new RefreshCoalescer<string>();
    await expect(coalescer.run("rt-1", async () => { throw new Error("API down"); })).rejects.toThrow("API down");
    expect(await coalescer.run("rt-1", async () => "session-2")).toBe("session-2");
  });
});
