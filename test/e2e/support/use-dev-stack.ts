// Vitest lifecycle around the real stack: one stack per test file, started before its tests and
// stopped (whole process group) after them.
import { afterAll, beforeAll } from "vitest";
import { startDevStack, type DevStack } from "./dev-stack";

export function useDevStack(): { readonly baseUrl: string } {
  let stack: DevStack | undefined;
  beforeAll(async () => {
    stack = await startDevStack();
  }, 180_000);
  afterAll(async () => {
    await stack?.stop();
  }, 60_000);
  return {
    get baseUrl() {
      if (!stack) throw new Error("the dev stack is not running (beforeAll failed?)");
      return stack.baseUrl;
    },
  };
}
