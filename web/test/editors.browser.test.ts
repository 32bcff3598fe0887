// Component tests of the rules editor's two heaviest parts, rendered on their own in Debian's
// Chromium (no server): test/components/harness.tsx is bundled with esbuild, React's development
// build (so React's own warnings fail the test too), and the console's stylesheet. A user adds and
// removes conditions and groups, changes operators and values, and edits split shares; the test
// reads what the editor would save (the harness prints it) and what the user sees (errors, totals).
import { readFileSync } from "node:fs";
import path from "node:path";
import { build } from "esbuild";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launch, seriousViolations } from "./support";

const WEB = path.resolve(import.meta.dirname, "..");
let browser: Browser;
let bundle: string;
const styles = readFileSync(path.join(WEB, "app/styles.css"), "utf8");

beforeAll(async () => {
  const [built, launched] = await Promise.all([
    build({
      entryPoints: [path.join(WEB, "test/components/harness.tsx")], bundle: true, write: false, format: "iife",
      platform: "browser", jsx: "automatic", alias: { "~": path.join(WEB, "app") },
      define: { "process.env.NODE_ENV": '"development"' }, logLevel: "silent",
    }),
    launch(),
  ]);
  bundle = built.outputFiles[0]!.text;
  browser = launched;
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

/** A fresh page with one editor mounted; collects console errors (React warnings included). */
async function mount(name: "ConditionBuilder" | "SplitEditor"): Promise<{ page: Page; errors: string[]; value: () => Promise<unknown> }> {
  const context = await browser.newContext({ viewport: { width: 900, height: 800 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (message) => { if (message.type() === "error" || message.type() === "warning") errors.push(message.text()); });
  page.on("pageerror", (error) => errors.push(error.message));
  await page.setContent(`<!doctype html><html lang="en"><head><title>${name}</title><style>${styles}</style></head><body><div id="root"></div></body></html>`);
  await page.addScriptTag({ content: bundle });
  await page.evaluate((n) => window.mount(n), name);
  await page.locator("#value").waitFor();
  return { page, errors, value: async () => JSON.parse((await page.locator("#value").textContent())!) };
}

declare global {
  interface Window { mount(name: string): void }
}

describe("ConditionBuilder", () => {
  test("adds a condition, types its attribute and value, and ignores case on request", async () => {
    const { page, errors, value } = await mount("ConditionBuilder");
    await page.getByText("No conditions: every user matches.").waitFor();
    expect(await value()).toEqual([]);
    await page.getByRole("button", { name: "Add conditions" }).click();
    expect(await value()).toEqual([{ operator: "and", conditions: [{ attribute: "", operator: "equals", value: "" }] }]);
    await page.getByLabel("Rule 1 group 1 condition 1 attribute").fill("country");
    // Named but empty: the problem shows under the value and marks it invalid.
    await page.getByText("Enter a value.").waitFor();
    expect(await page.getByLabel("Rule 1 group 1 condition 1 value").getAttribute("aria-invalid")).toBe("true");
    await page.getByLabel("Rule 1 group 1 condition 1 value").fill("DE");
    expect(await page.getByText("Enter a value.").count()).toBe(0);
    await page.getByLabel("ignore case").check();
    expect(await value()).toEqual([{ operator: "and", conditions: [{ attribute: "country", operator: "equals", value: "DE", caseInsensitive: true }] }]);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test("changing the operator swaps the input: a list, a version with its error, a number, no value, segments", async () => {
    const { page, errors, value } = await mount("ConditionBuilder");
    await page.getByRole("button", { name: "Add conditions" }).click();
    const operator = page.getByLabel("Rule 1 group 1 condition 1 operator");
    const input = page.getByLabel("Rule 1 group 1 condition 1 value");
    await page.getByLabel("Rule 1 group 1 condition 1 attribute").fill("country");
    await input.fill("DE");
    // Text -> list: a different kind of input, so the value starts empty.
    await operator.selectOption({ label: "is one of" });
    expect(await input.inputValue()).toBe("");
    await input.fill("DE, AT ,CH");
    expect(await value()).toEqual([{ operator: "and", conditions: [{ attribute: "country", operator: "in", value: ["DE", "AT", "CH"] }] }]);

    await page.getByLabel("Rule 1 group 1 condition 1 attribute").fill("appVersion");
    await operator.selectOption({ label: "version ≥" });
    expect(await input.getAttribute("placeholder")).toBe("2.1.0");
    await input.fill("2.x");
    await page.getByText("Enter a version like 2.1.0.").waitFor();
    await input.fill("2.1.0");
    expect(await page.getByText("Enter a version like 2.1.0.").count()).toBe(0);
    expect(await value()).toEqual([{ operator: "and", conditions: [{ attribute: "appVersion", operator: "semver_gte", value: "2.1.0" }] }]);

    await operator.selectOption({ label: "> (number)" });
    expect(await input.getAttribute("type")).toBe("number");
    await input.fill("18.5");
    expect(await value()).toEqual([{ operator: "and", conditions: [{ attribute: "appVersion", operator: "gt", value: 18.5 }] }]);

    await operator.selectOption({ label: "is present" });
    expect(await input.isDisabled()).toBe(true);
    expect(await value()).toEqual([{ operator: "and", conditions: [{ attribute: "appVersion", operator: "exists" }] }]);

    await operator.selectOption({ label: "is in segment" });
    // The segment keys are offered as suggestions.
    const listId = await input.getAttribute("list");
    expect(await page.locator(`datalist[id="${listId}"] option`).evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(["beta-testers", "staff"]);
    await input.fill("beta-testers, staff");
    expect(await value()).toEqual([{ operator: "and", conditions: [{ attribute: "appVersion", operator: "in_segment", value: ["beta-testers", "staff"] }] }]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test("AND/OR groups: combine with OR, add an OR group, remove a condition and a group", async () => {
    const { page, errors, value } = await mount("ConditionBuilder");
    await page.getByRole("button", { name: "Add conditions" }).click();
    await page.getByLabel("Rule 1 group 1 condition 1 attribute").fill("plan");
    await page.getByLabel("Rule 1 group 1 condition 1 value").fill("pro");
    await page.getByRole("button", { name: "Add condition", exact: true }).click();
    await page.getByLabel("Rule 1 group 1 condition 2 attribute").fill("plan");
    await page.getByLabel("Rule 1 group 1 condition 2 value").fill("team");
    await page.getByLabel("Combine the conditions of group 1 with").selectOption("OR");
    expect(await value()).toEqual([{ operator: "or", conditions: [
      { attribute: "plan", operator: "equals", value: "pro" }, { attribute: "plan", operator: "equals", value: "team" },
    ] }]);

    await page.getByRole("button", { name: "Add an OR group" }).click();
    await page.getByText("Users match when any group below matches.").waitFor();
    await page.getByText("— or —").waitFor();
    await page.getByLabel("Rule 1 group 2 condition 1 attribute").fill("country");
    await page.getByLabel("Rule 1 group 2 condition 1 value").fill("DE");

    await page.getByRole("button", { name: "Remove Rule 1 group 1 condition 1" }).click();
    expect(await value()).toEqual([
      { operator: "or", conditions: [{ attribute: "plan", operator: "equals", value: "team" }] },
      { operator: "and", conditions: [{ attribute: "country", operator: "equals", value: "DE" }] },
    ]);
    await page.getByRole("button", { name: "Remove condition group 1" }).click();
    expect(await value()).toEqual([{ operator: "and", conditions: [{ attribute: "country", operator: "equals", value: "DE" }] }]);
    expect(await page.getByLabel("Rule 1 group 1 condition 1 value").inputValue()).toBe("DE");
    await page.getByRole("button", { name: "Remove condition group 1" }).click();
    await page.getByText("No conditions: every user matches.").waitFor();
    expect(await value()).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

describe("SplitEditor", () => {
  const total = (page: Page) => page.getByRole("status").textContent();

  test("shares must sum to 100%: the total and the error follow every edit", async () => {
    const { page, errors, value } = await mount("SplitEditor");
    expect(await total(page)).toBe("Total 100% — A split needs at least two variants.");
    expect(await page.getByRole("status").getAttribute("class")).toBe("field-error");
    await page.getByRole("button", { name: "Add variant-a" }).click();
    expect(await total(page)).toBe("Total 100%");
    expect(await page.getByRole("status").getAttribute("class")).toBe("small muted");

    await page.getByLabel("Rule 1: share of variant-a in percent").fill("30");
    expect(await total(page)).toBe("Total 130% — The shares sum to 130%; they must sum to 100%.");
    await page.getByLabel("Rule 1: share of control in percent").fill("69.999");
    expect(await total(page)).toBe("Total 99.999% — The shares sum to 99.999%; they must sum to 100%.");
    await page.getByLabel("Rule 1: share of control in percent").fill("70");
    expect(await total(page)).toBe("Total 100%");
    expect(await value()).toEqual([{ variant: "control", weight: 70_000 }, { variant: "variant-a", weight: 30_000 }]);
    expect(await seriousViolations(page)).toEqual([]);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  test("distribute evenly splits 100% exactly in 0.001% steps; removing a variant offers it again", async () => {
    const { page, errors, value } = await mount("SplitEditor");
    await page.getByRole("button", { name: "Add variant-a" }).click();
    await page.getByRole("button", { name: "Add variant-b" }).click();
    expect(await page.getByRole("button", { name: /^Add / }).count()).toBe(0);
    await page.getByRole("button", { name: "Distribute evenly" }).click();
    expect(await value()).toEqual([
      { variant: "control", weight: 33_334 }, { variant: "variant-a", weight: 33_333 }, { variant: "variant-b", weight: 33_333 },
    ]);
    expect(await page.getByLabel("Rule 1: share of control in percent").inputValue()).toBe("33.334");
    expect(await total(page)).toBe("Total 100%");

    await page.getByRole("button", { name: "Remove variant-b from the split" }).click();
    expect(await total(page)).toBe("Total 66.667% — The shares sum to 66.667%; they must sum to 100%.");
    await page.getByRole("button", { name: "Add variant-b" }).waitFor();
    await page.getByRole("button", { name: "Distribute evenly" }).click();
    expect(await value()).toEqual([{ variant: "control", weight: 50_000 }, { variant: "variant-a", weight: 50_000 }]);
    await page.getByRole("button", { name: "Remove control from the split" }).click();
    await page.getByRole("button", { name: "Remove variant-a from the split" }).click();
    expect(await page.getByRole("button", { name: "Distribute evenly" }).isDisabled()).toBe(true);
    expect(await total(page)).toBe("Total 0% — A split needs at least two variants.");
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
