// Bulk actions on the flags list in Debian's Chromium against the real local stack (`npm run dev`):
// select flags (checkboxes, select all, the count announced), change the owner and tags of several
// at once and read them back from the API, a flag the API refuses reported by key, archive through
// the confirmation dialog, archive refused while another flag requires the selection (the API's
// message in the dialog), the selection cleared with a notice when the filters change, no bulk bar
// for a viewer; axe with screenshots in light and dark. Also (same branch) the evaluation dashboard's
// 90-day window in daily buckets.
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { adminGraphQL, auditScreen, browser, DEVELOPMENT_SECRET, ofrep, signIn, stack, withStackAndBrowser } from "./support";

const TEAM_ID = "00000000-0000-4000-8000-0000000000a1";
const PIPELINE_ID = "00000000-0000-4000-8000-0000000000b0";

withStackAndBrowser();

const gql = <T>(query: string, variables: Record<string, unknown> = {}) => adminGraphQL<T>(stack.adminUrl, "teamadmin", query, variables);

async function createFlag(key: string, tags: string[]): Promise<string> {
  const { createFeature } = await gql<{ createFeature: { id: string } }>(`mutation($input: CreateFeatureInput!) { createFeature(input: $input) { id } }`,
    { input: { teamId: TEAM_ID, pipelineId: PIPELINE_ID, key, type: "BOOLEAN", tags } });
  return createFeature.id;
}

type Flag = { key: string; owner: string | null; tags: string[]; lifecycle: string };
async function flagsTagged(tag: string): Promise<Flag[]> {
  const { features } = await gql<{ features: { nodes: Flag[] } }>(
    `query($t: ID!, $tag: String) { features(teamId: $t, first: 100, filter: { tag: $tag, includeArchived: true }) { nodes { key owner tags lifecycle } } }`,
    { t: TEAM_ID, tag });
  return features.nodes.sort((a, b) => a.key.localeCompare(b.key));
}

const bar = (page: Page) => page.getByRole("region", { name: "Bulk actions" });
const count = (page: Page) => bar(page).getByRole("status").first();
const rowKeys = (page: Page) => page.locator("tbody a.mono").allInnerTexts();

describe("bulk actions on the flags list", () => {
  test("select several flags, set their owner and add a tag; a flag at the tag limit is refused by key", async () => {
    for (const key of ["bu_alpha", "bu_beta", "bu_gamma"]) await createFlag(key, ["bu"]);
    // 19 more tags: bu_full holds the API's maximum of 20.
    await createFlag("bu_full", ["bu", ...Array.from({ length: 19 }, (_, i) => `t${i}`)]);
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/flags?tag=bu");
    expect(await rowKeys(page)).toEqual(["bu_alpha", "bu_beta", "bu_full", "bu_gamma"]);
    expect(await count(page).innerText()).toBe("No flag selected.");
    // Nothing selected: the bar is its status line and a hint, no disabled controls.
    expect([await bar(page).getByLabel("Change").isVisible(), await bar(page).getByRole("button").count()]).toEqual([false, 0]);

    await page.getByRole("checkbox", { name: "Select all flags on this page" }).check();
    await expect.poll(() => count(page).innerText()).toBe("4 flags selected.");
    expect([await bar(page).getByLabel("Change").isVisible(), await bar(page).getByRole("button").allInnerTexts()]).toEqual([true, ["Apply to 4 flags", "Archive 4 flags"]]);
    // Keyboard: Space toggles the focused checkbox.
    await page.getByRole("checkbox", { name: "Select bu_full" }).focus();
    await page.keyboard.press("Space");
    await expect.poll(() => count(page).innerText()).toBe("3 flags selected.");
    expect(await page.getByRole("checkbox", { name: "Select all flags on this page" }).evaluate((box: HTMLInputElement) => box.indeterminate)).toBe(true);

    await bar(page).getByLabel("Change").selectOption("update_owner");
    await bar(page).getByLabel("Owner").fill("payments-team");
    await bar(page).getByRole("button", { name: "Apply to 3 flags" }).click();
    await bar(page).getByRole("status").filter({ hasText: "Updated 3 flags." }).waitFor();
    await expect.poll(async () => (await flagsTagged("bu")).map((f) => [f.key, f.owner]))
      .toEqual([["bu_alpha", "payments-team"], ["bu_beta", "payments-team"], ["bu_full", null], ["bu_gamma", "payments-team"]]);

    // Validation before submit: no tag entered.
    await bar(page).getByLabel("Change").selectOption("add_tags");
    await bar(page).getByRole("button", { name: "Apply to 3 flags" }).click();
    expect(await bar(page).getByText("Enter at least one tag.").count()).toBe(1);

    // bu_full joins the selection: it is at 20 tags, the API refuses a 21st for it alone.
    await page.getByRole("checkbox", { name: "Select bu_full" }).check();
    await bar(page).getByLabel("Tags").fill("q4-cleanup");
    await bar(page).getByRole("button", { name: "Apply to 4 flags" }).click();
    await bar(page).getByRole("status").filter({ hasText: "Updated 3 of 4 flags; 1 refused." }).waitFor();
    const refused = bar(page).getByRole("list", { name: "Refused flags" }).getByRole("listitem");
    expect(await refused.count()).toBe(1);
    expect(await refused.innerText()).toMatch(/^bu_full: .*20/);
    const after = await flagsTagged("bu");
    expect(after.map((f) => [f.key, f.tags])).toEqual([
      ["bu_alpha", ["bu", "q4-cleanup"]], ["bu_beta", ["bu", "q4-cleanup"]],
      ["bu_full", ["bu", ...Array.from({ length: 19 }, (_, i) => `t${i}`)]], ["bu_gamma", ["bu", "q4-cleanup"]],
    ]);
    // The list shows the new tag on each updated row.
    await expect.poll(() => page.locator("tbody tr", { hasText: "bu_alpha" }).locator(".badge", { hasText: "q4-cleanup" }).count()).toBe(1);
    await context.close();
  });

  test("archive the selection through the confirmation dialog naming how many flags", async () => {
    for (const key of ["ba_one", "ba_two", "ba_three"]) await createFlag(key, ["ba"]);
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/flags?tag=ba");
    await page.getByRole("checkbox", { name: "Select ba_one" }).check();
    await page.getByRole("checkbox", { name: "Select ba_two" }).check();
    await expect.poll(() => count(page).innerText()).toBe("2 flags selected.");

    await page.getByRole("button", { name: "Archive 2 flags" }).click();
    const dialog = page.getByRole("dialog", { name: "Archive 2 flags?" });
    await dialog.waitFor();
    expect(await dialog.getByText("ba_one, ba_two").count()).toBe(1);
    // Cancel has the focus: Enter does not archive by accident.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Cancel");
    // The list is re-read slowly (as under load), so the report is closed while the archived flags
    // are still listed and selected: the Archive button that takes the focus back leaves afterwards.
    await page.route((url) => url.pathname.endsWith(".data"), async (route) => {
      if (route.request().method() === "GET") await new Promise((resolve) => setTimeout(resolve, 3_000));
      await route.continue();
    });
    await dialog.getByRole("button", { name: "Archive 2 flags" }).click();
    const done = page.getByRole("dialog", { name: "Archive finished" });
    await done.getByRole("status").filter({ hasText: "Archived 2 flags." }).waitFor();
    await done.getByRole("button", { name: "Close" }).click();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Archive 2 flags");

    await expect.poll(() => rowKeys(page), { timeout: 10_000 }).toEqual(["ba_three"]);
    await expect.poll(() => count(page).innerText()).toBe("No flag selected.");
    // The Archive button left with the selection: focus goes to the bar, not to the page's start.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Bulk actions");
    expect((await flagsTagged("ba")).map((f) => [f.key, f.lifecycle])).toEqual([["ba_one", "archived"], ["ba_three", "draft"], ["ba_two", "archived"]]);
    await context.close();
  });

  test("archive is refused while another flag requires the selection; confirming the dependents archives it", async () => {
    const parent = await createFlag("bd_parent", ["bd"]);
    const child = await createFlag("bd_child", ["bd-child"]);
    await gql(`mutation($input: SetFeaturePrerequisiteInput!) { setFeaturePrerequisite(input: $input) { id } }`, { input: { featureId: child, requiredFeatureId: parent } });
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/flags?tag=bd");
    await page.getByRole("checkbox", { name: "Select bd_parent" }).check();
    await page.getByRole("button", { name: "Archive 1 flag" }).click();
    const dialog = page.getByRole("dialog", { name: "Archive 1 flag?" });
    await dialog.getByRole("button", { name: "Archive 1 flag" }).click();
    const alert = dialog.getByRole("alert");
    await alert.waitFor();
    expect(await alert.innerText()).toBe("Archiving would break features that require the selection: bd_parent (required by bd_child). Archive those too, or confirm with confirmDependents: true");
    expect((await flagsTagged("bd")).map((f) => f.lifecycle)).toEqual(["draft"]);

    await dialog.getByRole("checkbox", { name: /Archive even if other flags require one of these/ }).check();
    await dialog.getByRole("button", { name: "Archive 1 flag" }).click();
    await page.getByRole("dialog", { name: "Archive finished" }).getByRole("status").filter({ hasText: "Archived 1 flag." }).waitFor();
    expect((await flagsTagged("bd")).map((f) => f.lifecycle)).toEqual(["archived"]);
    await context.close();
  });

  test("changing the filters clears the selection and says so", async () => {
    for (const key of ["bf_one", "bf_two"]) await createFlag(key, ["bf"]);
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/flags?tag=bf");
    await page.getByRole("checkbox", { name: "Select all flags on this page" }).check();
    await expect.poll(() => count(page).innerText()).toBe("2 flags selected.");
    await page.getByLabel("Search").fill("bf_one");
    await page.getByRole("button", { name: "Apply", exact: true }).click();
    await page.waitForURL(/q=bf_one/);
    await expect.poll(() => count(page).innerText()).toBe("Selection cleared: the page or its filters changed.");
    expect(await page.getByRole("checkbox", { name: "Select bf_one" }).isChecked()).toBe(false);
    await context.close();
  });

  test("a viewer sees no selection and no bulk bar", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "viewer");
    await page.goto("/flags");
    await page.locator("tbody a.mono").first().waitFor();
    expect(await page.getByRole("region", { name: "Bulk actions" }).count()).toBe(0);
    expect(await page.getByRole("checkbox").count()).toBe(0);
    await context.close();
  });

  test("axe: the list with a selection and the archive dialog have no serious violation, light and dark", async () => {
    for (const key of ["bx_one", "bx_two"]) await createFlag(key, ["bx"]);
    const problems: string[] = [];
    for (const scheme of ["light", "dark"] as const) {
      const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin", { colorScheme: scheme });
      await page.goto("/flags?tag=bx");
      await page.waitForLoadState("networkidle");
      await page.getByRole("checkbox", { name: "Select bx_one" }).check();
      await bar(page).getByLabel("Change").selectOption("add_tags");
      problems.push(...await auditScreen(page, `flags list with selection (${scheme})`, `flags-bulk-list-${scheme}`));
      await page.getByRole("button", { name: "Archive 1 flag" }).click();
      await page.getByRole("dialog").waitFor();
      problems.push(...await auditScreen(page, `bulk archive dialog (${scheme})`, `flags-bulk-archive-${scheme}`));
      await context.close();
    }
    expect(problems).toEqual([]);
  });
});

describe("evaluation dashboard: 90 days", () => {
  test("the 90-day window offers whole-hour and daily intervals and counts the window's evaluations", async () => {
    for (let i = 0; i < 3; i++) {
      expect((await ofrep(stack.baseUrl, DEVELOPMENT_SECRET, "dark_mode", { targetingKey: `long-${i}` })).status).toBe(200);
    }
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/dashboards/evaluations");
    await page.getByLabel("Window", { exact: true }).selectOption({ label: "Last 90 days (not live)" });
    await page.waitForURL(/hours=2160/);
    // 60-minute buckets would be 2161 points: the interval moves to the smallest that fits.
    expect(new URL(page.url()).searchParams.get("interval")).toBe("120");
    const interval = page.getByLabel("Interval", { exact: true });
    expect(await interval.locator("option[disabled]").allTextContents()).toEqual(["1 min", "5 min", "10 min", "15 min", "30 min", "60 min"]);
    await interval.selectOption({ label: "1 day" });
    await page.waitForURL(/interval=1440/);
    await page.getByText(/one bucket per day/).waitFor();
    expect(await page.getByRole("alert").count()).toBe(0);
    // Not live: re-read until the counts of the three evaluations have landed (bounded).
    const deadline = Date.now() + 45_000;
    let total = await page.locator('[data-kpi="evaluations"]').textContent();
    while (total !== "3" && Date.now() < deadline) {
      await page.waitForTimeout(1000);
      await page.reload();
      total = await page.locator('[data-kpi="evaluations"]').textContent();
    }
    expect(total).toBe("3");
    await page.getByText("Show as table: Evaluations per day").click();
    const rows = page.getByRole("table", { name: "Evaluations per day" }).locator("tbody tr");
    // The window ends with the current minute: it touches 91 UTC days, 90 when that minute is 23:59.
    const lastMinuteOfDay = Math.floor(Date.now() / 60_000) % 1440 === 1439;
    expect(await rows.count()).toBe(lastMinuteOfDay ? 90 : 91);
    await context.close();
  });
});
