// The Java OFREP example (examples/java/OfrepExample.java, JDK only) run with `java` (single-file
// source launch) against the real `npm run dev` stack: it performs the Java OFREP provider's
// requests and prints what it parsed; every line is checked against the demo configuration and
// the bucketing oracle. Skipped only when no `java` is on PATH (CI: apt-get install default-jdk-headless).
import { execFile, execFileSync } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { expectedVariant } from "./support/bucketing-oracle";
import { CHECKOUT_TEXTS, DEV_SERVER_SECRET } from "./support/demo";
import { useDevStack } from "./support/use-dev-stack";

const REPO = path.resolve(import.meta.dirname, "../..");

function javaAvailable(): boolean {
  try {
    execFileSync("java", ["-version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const hasJava = javaAvailable();
if (!hasJava) console.warn("java-ofrep.test.ts SKIPPED: no `java` on PATH (install a JDK, e.g. apt-get install -y default-jdk-headless)");

describe.skipIf(!hasJava)("Java OFREP example against the dev stack", () => {
  const stack = useDevStack();

  it("evaluates every demo flag for user-42 (admin, pro) in bulk and singly, with the provider's headers and parsing", async () => {
    const { stdout } = await promisify(execFile)("java", ["examples/java/OfrepExample.java", stack.baseUrl, DEV_SERVER_SECRET], {
      cwd: REPO, timeout: 60_000,
    });
    const lines = stdout.trim().split("\n");
    const checkout = expectedVariant("checkout_button_text", "user-42") as keyof typeof CHECKOUT_TEXTS;
    const dark = expectedVariant("dark_mode", "user-42");
    const expected: Record<string, string> = {
      BetaUsers: "BetaUsers value=true type=Boolean variant=on reason=TARGETING_MATCH",
      checkout_button_text: `checkout_button_text value=${JSON.stringify(CHECKOUT_TEXTS[checkout])} type=String variant=${checkout} reason=SPLIT`,
      dark_mode: dark === "on" ? "dark_mode value=true type=Boolean variant=on reason=SPLIT" : "dark_mode value=false type=Boolean variant=off reason=DEFAULT",
      homepage_layout: 'homepage_layout value={"hero":"video","columns":3} type=Map variant=modern reason=TARGETING_MATCH',
      legacy_search: "legacy_search value=false type=Boolean variant=off reason=DISABLED",
      max_upload_mb: "max_upload_mb value=100 type=Integer variant=pro reason=TARGETING_MATCH",
      new_checkout_flow: "new_checkout_flow value=true type=Boolean variant=on reason=TARGETING_MATCH",
    };
    const keys = Object.keys(expected).sort();
    const singleOrder = ["BetaUsers", "checkout_button_text", "max_upload_mb", "homepage_layout", "new_checkout_flow", "dark_mode", "legacy_search"];
    expect(lines).toEqual([
      "bulk status=200 etag=present flags=7",
      ...keys.map((k) => `bulk ${expected[k]}`),
      "bulk-revalidate status=304",
      ...singleOrder.map((k) => `single ${expected[k]} status=200`),
      "single no_such_flag errorCode=FLAG_NOT_FOUND status=404",
      "unauthorized status=401",
    ]);
  });
});
