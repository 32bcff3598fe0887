// Vitest lifecycle around the real stack: one stack per test file, started before its tests and
// stopped (whole process group) after them.
import { afterAll, beforeAll } from "vitest";
import { startDevStack, type DevStack } from "./dev-stack";

export function useDevStack(): { readonly baseUrl: string; readonly adminUrl: string } {
  let stack: DevStack | undefined;
  beforeAll(async () => {
    stack = await startDevStack();
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
  }, 60_000);
  const running = () => {
    if (!stack) throw new Error("the dev stack is not running (beforeAll failed?)");
    return stack;
  };
  return {
    /** The evaluation Worker. */
    get baseUrl() {
      return running().baseUrl;
    },
    /** The admin Worker (/graphql). */
    get adminUrl() {
      return running().adminUrl;
    },
  };
}
