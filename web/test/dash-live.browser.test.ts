// The live dashboards in Debian's Chromium against the real local stack: evaluations sent through
// OFREP during the test appear on the evaluation dashboard and the system overview with the exact
// count, pushed live (the page is never reloaded); filters in the URL change what is shown; axe on
// both dashboards, light and dark, with screenshots.
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { browser, DEVELOPMENT_SECRET, ofrep, SCREENSHOT_DIR, seriousViolations, signIn, stack, withStackAndBrowser } from "./support";

const DEVELOPMENT_ID = "00000000-0000-4000-8000-0000000000e1";
const PRODUCTION_ID = "00000000-0000-4000-8000-0000000000e3";

withStackAndBrowser();

/** Sends `n` OFREP evaluations of a flag in development, each answered 200. */
async function evaluate(key: string, n: number) {
  for (let i = 0; i < n; i++) {
    const { status } = await ofrep(stack.baseUrl, DEVELOPMENT_SECRET, key, { targetingKey: `user-${i}`, plan: "pro" });
    expect(status).toBe(200);
  }
}

/** The figure of a KPI (data-kpi) once it reads `expected`, bounded; returns what it last read. */
async function kpiBecomes(page: Page, id: string, expected: string, timeoutMs = 45_000): Promise<string> {
  const kpi = page.locator(`[data-kpi="${id}"]`);
  const deadline = Date.now() + timeoutMs;
  let text = (await kpi.textContent()) ?? "";
  while (text !== expected && Date.now() < deadline) {
    await page.waitForTimeout(200);
    text = (await kpi.textContent()) ?? "";
  }
  return text;
}

/** Marks the document; a reload or a full navigation would lose the mark. */
const markDocument = (page: Page) => page.evaluate(() => { (window as unknown as { dashMark: number }).dashMark = 42; });
const documentMarked = (page: Page) => page.evaluate(() => (window as unknown as { dashMark?: number }).dashMark === 42);

describe("live dashboards", () => {
  test("evaluations sent through OFREP appear on the evaluation dashboard, live, with the exact count", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto(`/dashboards/evaluations?env=${DEVELOPMENT_ID}&feature=dark_mode&hours=1&interval=1`);
    await page.getByRole("heading", { name: "Evaluation analytics" }).waitFor();
    await page.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-kpi="evaluations"]').textContent()).toBe("0");
    await markDocument(page);
    const dataRequests: string[] = [];
    page.on("request", (r) => { if (r.url().includes(".data")) dataRequests.push(r.url()); });

    await evaluate("dark_mode", 7);
    expect(await kpiBecomes(page, "evaluations", "7")).toBe("7");
    // Pushed by the subscription: no reload, no loader request.
    expect(await documentMarked(page)).toBe(true);
    expect(dataRequests).toEqual([]);
    expect(await page.locator('[data-kpi="success-rate"]').textContent()).toBe("100.0%");
    expect(await page.locator('[data-kpi="features"]').textContent()).toBe("1");
    // The time series' table alternative holds the same 7 evaluations.
    await page.getByText("Show as table: Evaluations per minute").click();
    const rows = page.getByRole("table", { name: "Evaluations per minute" }).locator("tbody tr");
    const counts = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.querySelector("td")?.textContent?.replace(/,/g, "") ?? 0)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(7);

    await evaluate("dark_mode", 3);
    expect(await kpiBecomes(page, "evaluations", "10")).toBe("10");
    expect(await documentMarked(page)).toBe(true);
    await context.close();
  });

  test("filters in the URL change what is shown: feature, environment, window", async () => {
    await evaluate("max_upload_mb", 4);
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto(`/dashboards/evaluations?env=${DEVELOPMENT_ID}&hours=1&interval=1`);
    // dark_mode's 10 (previous test) and max_upload_mb's 4.
    expect(await kpiBecomes(page, "evaluations", "14")).toBe("14");
    await page.getByText("Show as table: By feature").click();
    const byFeature = page.getByRole("table", { name: "By feature" });
    expect(await byFeature.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => tr.textContent))).toEqual([
      "dark_mode1071.4%", "max_upload_mb428.6%",
    ]);

    await page.getByLabel("Feature key", { exact: true }).fill("max_upload_mb");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL(/feature=max_upload_mb/);
    expect(await kpiBecomes(page, "evaluations", "4")).toBe("4");
    expect(new URL(page.url()).searchParams.get("env")).toBe(DEVELOPMENT_ID);

    await page.getByLabel("Environment", { exact: true }).selectOption(PRODUCTION_ID);
    await page.waitForURL(new RegExp(`env=${PRODUCTION_ID}`));
    expect(await kpiBecomes(page, "evaluations", "0")).toBe("0");

    // A window longer than a day is read by a query, not pushed; the interval moves to one that fits.
    await page.getByLabel("Environment", { exact: true }).selectOption("");
    await page.waitForURL((url) => !url.searchParams.has("env"));
    await page.getByLabel("Window", { exact: true }).selectOption("720");
    await page.waitForURL(/hours=720/);
    expect(new URL(page.url()).searchParams.get("interval")).toBe("60");
    // The URL moves before the page re-renders with the new window: poll the rendered choices.
    await expect.poll(() => page.getByLabel("Interval", { exact: true }).locator("option[disabled]").allTextContents()).toEqual(["1 min", "5 min", "10 min", "15 min", "30 min"]);
    await page.getByRole("status").filter({ hasText: "Not live" }).waitFor();
    expect(await kpiBecomes(page, "evaluations", "4")).toBe("4");

    // A hand-made link the API would refuse says what to fix.
    await page.goto("/dashboards/evaluations?hours=168&interval=1");
    await page.getByRole("alert").filter({ hasText: "choose a larger interval" }).waitFor();
    await context.close();
  });

  test("the system overview shows the team's evaluations of the last 24 hours live, and the top features", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Dashboards" }).click();
    await page.waitForURL(/\/dashboards$/);
    await page.getByRole("heading", { name: "System overview" }).waitFor();
    expect(await kpiBecomes(page, "evaluations", "14")).toBe("14");
    expect(await page.locator('[data-kpi="active-features"]').textContent()).toMatch(/^\d+$/);
    await page.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 30_000 });
    await markDocument(page);
    await evaluate("legacy_search", 2);
    expect(await kpiBecomes(page, "evaluations", "16")).toBe("16");
    expect(await documentMarked(page)).toBe(true);
    await page.getByText("Show as table: Top 5 features (24 h)").click();
    const top = page.getByRole("table", { name: "Top 5 features (24 h)" });
    expect(await top.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => tr.textContent))).toEqual([
      "dark_mode1062.5%", "max_upload_mb425.0%", "legacy_search212.5%",
    ]);
    // Tabs: every dashboard is one click away.
    expect(await page.getByRole("navigation", { name: "Dashboards" }).getByRole("link").allTextContents()).toEqual([
      "Overview", "Evaluations", "Rollout", "Experiments", "Dependencies",
    ]);
    await context.close();
  });

  for (const scheme of ["light", "dark"] as const) {
    test(`axe finds no serious or critical violation on both dashboards (${scheme}); screenshots`, async () => {
      const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin", { colorScheme: scheme });
      for (const [name, url] of [["overview", "/dashboards"], ["evaluations", `/dashboards/evaluations?env=${DEVELOPMENT_ID}&hours=1&interval=1`]] as const) {
        await page.goto(url);
        await page.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 30_000 });
        // The table alternatives are part of the page: open one so axe reads it too.
        await page.locator("details.chart-table summary").first().click();
        expect(await seriousViolations(page)).toEqual([]);
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, `dashboards-${name}-${scheme}.png`), fullPage: true });
        // A 375 px phone: the charts follow the container's width, nothing scrolls sideways.
        await page.setViewportSize({ width: 375, height: 800 });
        await page.waitForTimeout(300);
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
        await page.screenshot({ path: path.join(SCREENSHOT_DIR, `dashboards-${name}-${scheme}-375.png`), fullPage: true });
        await page.setViewportSize({ width: 1280, height: 900 });
      }
      await context.close();
    });
  }
});
