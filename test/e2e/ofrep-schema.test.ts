// The OFREP response validator the other e2e tests rely on: it must accept what the spec allows and
// reject what it does not, or those tests prove nothing.
import { describe, expect, it } from "vitest";
import { checkOfrepResponse } from "./support/ofrep-schema";

const single = new URL("http://127.0.0.1/ofrep/v1/evaluate/flags/some-flag");
const bulk = new URL("http://127.0.0.1/ofrep/v1/evaluate/flags");
const json = new Headers({ "content-type": "application/json" });

function check(url: URL, status: number, body: unknown, headers = json) {
  const responseText = body === undefined ? "" : JSON.stringify(body);
  return checkOfrepResponse({ method: "POST", url, status, responseHeaders: headers, responseText });
}

describe("OFREP response validator", () => {
  it.each([
    ["boolean", true],
    ["string", "Buy now"],
    ["integer", 100],
    ["float", 2.5],
    ["object", { hero: "video", columns: 3 }],
  ])("accepts a single-flag success with a %s value", (_type, value) => {
    const result = check(single, 200, { key: "some-flag", value, reason: "TARGETING_MATCH", variant: "on", metadata: { flagSetVersion: 3 } });
    expect(result).toEqual({ covered: true, against: "POST /ofrep/v1/evaluate/flags/{key} 200", errors: [] });
  });

  it("accepts a success without a value (the code-default shape) and the DEFAULT reason", () => {
    expect(check(single, 200, { key: "f", reason: "DISABLED" }).errors).toEqual([]);
    expect(check(single, 200, { key: "f", value: false, reason: "DEFAULT", variant: "off" }).errors).toEqual([]);
  });

  it("rejects values, reasons and metadata the spec does not allow", () => {
    expect(check(single, 200, { key: "f", value: null, reason: "STATIC" }).errors).not.toEqual([]);
    expect(check(single, 200, { key: "f", value: [1, 2], reason: "STATIC" }).errors).not.toEqual([]);
    expect(check(single, 200, { key: "f", value: true, reason: "BOGUS" }).errors).not.toEqual([]);
    expect(check(single, 200, { value: true, reason: "STATIC" }).errors).not.toEqual([]);
    expect(check(single, 200, { key: "f", value: true, reason: "STATIC", metadata: { nested: { a: 1 } } }).errors).not.toEqual([]);
  });

  it("applies the 400 and 404 error shapes by status", () => {
    expect(check(single, 400, { key: "f", errorCode: "PARSE_ERROR", errorDetails: "bad json" }).errors).toEqual([]);
    expect(check(single, 400, { key: "f", errorCode: "FLAG_NOT_FOUND" }).errors).not.toEqual([]);
    expect(check(single, 404, { key: "f", errorCode: "FLAG_NOT_FOUND" }).errors).toEqual([]);
    expect(check(single, 404, { key: "f", errorCode: "GENERAL" }).errors).not.toEqual([]);
    expect(check(bulk, 400, { errorCode: "INVALID_CONTEXT" }).errors).toEqual([]);
    expect(check(bulk, 400, { errorDetails: "no code" }).errors).not.toEqual([]);
  });

  it("validates bulk bodies item by item, including eventStreams", () => {
    const ok = {
      flags: [{ key: "a", value: true, reason: "STATIC", variant: "on" }, { key: "b", errorCode: "TARGETING_KEY_MISSING" }],
      metadata: { version: 7 },
      eventStreams: [{ type: "sse", url: "http://127.0.0.1:8787/sse" }],
    };
    expect(check(bulk, 200, ok).errors).toEqual([]);
    expect(check(bulk, 200, { ...ok, flags: [{ key: "a", value: true }] }).errors).not.toEqual([]);
    expect(check(bulk, 200, { ...ok, eventStreams: [{ type: "sse" }] }).errors).not.toEqual([]);
    expect(check(bulk, 200, { metadata: {} }).errors).not.toEqual([]);
  });

  it("checks status, content type and the empty 304", () => {
    expect(check(bulk, 304, undefined).errors).toEqual([]);
    expect(check(bulk, 304, { flags: [] }).errors).toEqual(["a 304 must not carry a body"]);
    expect(check(single, 304, undefined).errors).toEqual(["status 304 is not a response the spec defines here"]);
    expect(check(single, 200, { key: "f", value: true, reason: "STATIC" }, new Headers({ "content-type": "text/plain" })).errors)
      .toEqual(['content-type is "text/plain", expected application/json']);
    expect(check(single, 401, undefined).errors).toEqual([]);
  });

  it("does not claim paths outside OFREP", () => {
    expect(check(new URL("http://127.0.0.1/evaluate"), 200, {})).toEqual({ covered: false, errors: [] });
  });
});
