// Reconnecting after an outage, on injected (fake) timers: the default backoff schedule (0.5 s
// doubling to a 5 s cap, half of each step random), an immediate attempt when a browser says the
// network may be back (online, page visible), and a refusal that names its reason stopping the
// client at once instead of retrying.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { StreamClient } from "../../../sdk/src/stream-client";
import type { FluxGateError } from "../../../sdk/src/errors";
import { browserWakeSignals } from "../../../sdk/src/wake-signals";
import type { WebSocketConstructor, WebSocketLike } from "../../../sdk/src/websocket";

/** A WebSocket whose connection never opens (the server is unreachable); records when each was made. */
function unreachable(openedAt: number[]): WebSocketConstructor {
  return class implements WebSocketLike {
    readyState = 0;
    onopen: WebSocketLike["onopen"] = null;
    onmessage: WebSocketLike["onmessage"] = null;
    onclose: WebSocketLike["onclose"] = null;
    onerror: WebSocketLike["onerror"] = null;
    constructor() {
      openedAt.push(Date.now());
      queueMicrotask(() => this.onerror?.({}));
    }
    send(): void {}
    close(): void {}
  };
}

const networkDown: typeof fetch = () => Promise.reject(new TypeError("fetch failed"));
const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]!);

let client: StreamClient | undefined;
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date"] });
});
afterEach(() => {
  client?.stop();
  client = undefined;
  vi.useRealTimers();
});

function start(openedAt: number[], options: Partial<ConstructorParameters<typeof StreamClient>[0]> = {}) {
  client = new StreamClient({
    baseUrl: "http://fluxgate.test", credential: "fg_web", webSocket: unreachable(openedAt), fetch: networkDown, wakeSignals: false, ...options,
  });
  client.start();
  return client;
}

describe("reconnect backoff (defaults)", () => {
  it("waits 0.5, 1, 2, 4, then 5 s at most (random half at its top)", async () => {
    const openedAt: number[] = [];
    start(openedAt, { random: () => 1 });
    await vi.advanceTimersByTimeAsync(30_000);
    expect(gaps(openedAt).slice(0, 8)).toEqual([500, 1_000, 2_000, 4_000, 5_000, 5_000, 5_000, 5_000]);
  });

  it("never waits less than half of each step (random half at its bottom)", async () => {
    const openedAt: number[] = [];
    start(openedAt, { random: () => 0 });
    await vi.advanceTimersByTimeAsync(12_000);
    expect(gaps(openedAt).slice(0, 7)).toEqual([250, 500, 1_000, 2_000, 2_500, 2_500, 2_500]);
  });
});

describe("reconnect on browser hints", () => {
  function fakeBrowser() {
    const window = new EventTarget();
    const document = Object.assign(new EventTarget(), { visibilityState: "hidden" });
    const globals = {
      addEventListener: window.addEventListener.bind(window),
      removeEventListener: window.removeEventListener.bind(window),
      document,
    };
    return { window, document, wakeSignals: browserWakeSignals(globals)! };
  }

  it("tries at once on `online`, then backs off from 0.5 s again", async () => {
    const browser = fakeBrowser();
    const openedAt: number[] = [];
    start(openedAt, { random: () => 1, wakeSignals: browser.wakeSignals });
    await vi.advanceTimersByTimeAsync(3_600); // attempts at 0, 500, 1500, 3500; next due at 7500
    expect(openedAt).toEqual([0, 500, 1_500, 3_500].map((t) => t + openedAt[0]!));
    browser.window.dispatchEvent(new Event("online"));
    await vi.advanceTimersByTimeAsync(0);
    expect(openedAt).toHaveLength(5);
    expect(openedAt[4]! - openedAt[0]!).toBe(3_600);
    await vi.advanceTimersByTimeAsync(500);
    expect(openedAt).toHaveLength(6);
    expect(openedAt[5]! - openedAt[4]!).toBe(500);
  });

  it("tries at once when the page becomes visible, not when it is hidden", async () => {
    const browser = fakeBrowser();
    const openedAt: number[] = [];
    start(openedAt, { random: () => 1, wakeSignals: browser.wakeSignals });
    await vi.advanceTimersByTimeAsync(1_600);
    expect(openedAt).toHaveLength(3);
    browser.document.dispatchEvent(new Event("visibilitychange"));
    await vi.advanceTimersByTimeAsync(0);
    expect(openedAt).toHaveLength(3);
    browser.document.visibilityState = "visible";
    browser.document.dispatchEvent(new Event("visibilitychange"));
    await vi.advanceTimersByTimeAsync(0);
    expect(openedAt).toHaveLength(4);
    expect(openedAt[3]! - openedAt[0]!).toBe(1_600);
  });

  it("ignores hints after stop()", async () => {
    const browser = fakeBrowser();
    const openedAt: number[] = [];
    start(openedAt, { random: () => 1, wakeSignals: browser.wakeSignals }).stop();
    await vi.advanceTimersByTimeAsync(0);
    browser.window.dispatchEvent(new Event("online"));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(openedAt).toHaveLength(1);
  });
});

describe("a refusal that names its reason", () => {
  it("stops the client at once with the server's words (ORIGIN_NOT_ALLOWED), no retry", async () => {
    const details = "origin http://127.0.0.1:5173 is not allowed for this client; add it to the web client's allowed origins (scheme, host and port must match exactly)";
    const refusing: typeof fetch = async () => new Response(JSON.stringify({ errorCode: "ORIGIN_NOT_ALLOWED", errorDetails: details }), {
      status: 403, headers: { "Content-Type": "application/json" },
    });
    const openedAt: number[] = [];
    const terminal: FluxGateError[] = [];
    start(openedAt, { fetch: refusing }).events.on("terminal", (error) => terminal.push(error));
    await vi.advanceTimersByTimeAsync(0);
    expect(terminal.map((e) => [e.code, e.message, e.status, e.terminal])).toEqual([["ORIGIN_NOT_ALLOWED", details, 403, true]]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(openedAt).toHaveLength(1);
  });
});
