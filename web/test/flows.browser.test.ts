// The console's remaining flows in Debian's Chromium against the real local stack (`npm run dev`):
// command palette, team switcher, forced password change, prerequisites (checked through OFREP),
// promotion along the pipeline (OFREP in staging), history with its diff and rollback to a version,
// audit log filters, and, last (it removes every system admin), the first-admin bootstrap. Screens
// these flows open that the screen tour does not (palette, forced password, bootstrap) get axe.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { adminGraphQL, browser, DEVELOPMENT_SECRET, ofrep, ofrepUntil, PASSWORD, seriousViolations, signIn, stack, submit, withStackAndBrowser } from "./support";

const ROOT = path.resolve(import.meta.dirname, "../..");
const TEAM_ID = "00000000-0000-4000-8000-0000000000a1";
const FLAG_ID = {
  max_upload_mb: "00000000-0000-4000-8000-0000000000f3",
  dark_mode: "00000000-0000-4000-8000-0000000000f6",
};
const STAGING_SECRET = "fg_local_staging_demo_secret";

/** The flag the history test creates; the audit test filters by it. */
let historyFlagId = "";

withStackAndBrowser();

/** Ctrl+K until the palette opens: the shortcut listens once the page has hydrated (bounded). */
async function openPalette(page: Page) {
  const palette = page.getByRole("dialog", { name: "Command palette" });
  await page.waitForLoadState("networkidle");
  const deadline = Date.now() + 30_000;
  while (!(await palette.isVisible()) && Date.now() < deadline) {
    await page.keyboard.press("Control+k");
    await palette.waitFor({ timeout: 1_000 }).catch(() => undefined);
  }
  await palette.waitFor({ timeout: 1_000 });
  return palette;
}

/** Signs in through the form and waits for wherever the console sends the user. */
async function signInAs(page: Page, login: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Username or email").fill(login);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

describe("console flows", () => {
  test("command palette: Ctrl+K finds a flag by key and a screen by name", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    const palette = await openPalette(page);
    await palette.getByText("dark_mode").waitFor(); // the team's flags load when it opens
    expect(await seriousViolations(page)).toEqual([]);
    // cmdk names its input after the palette (aria-labelledby).
    await palette.getByRole("combobox").fill("dark_mo");
    await page.keyboard.press("Enter");
    await page.waitForURL(`**/flags/${FLAG_ID.dark_mode}`);
    await page.getByRole("heading", { name: "dark_mode" }).waitFor();
    expect(await palette.count()).toBe(0);

    await page.getByRole("button", { name: /^Search/ }).click();
    await page.getByRole("dialog", { name: "Command palette" }).getByRole("combobox").fill("audit");
    await page.keyboard.press("Enter");
    await page.waitForURL("**/audit");
    await page.getByRole("heading", { name: "Audit log" }).waitFor();
    // Escape closes it without going anywhere.
    await openPalette(page);
    await page.keyboard.press("Escape");
    await palette.waitFor({ state: "detached" });
    expect(new URL(page.url()).pathname).toBe("/audit");
    await context.close();
  });

  test("team switcher: the flags list shows the chosen team's flags; from a flag page it lands on the list", async () => {
    const { team } = await adminGraphQL<{ team: { id: string } }>(stack.adminUrl, "admin",
      `mutation { team: createTeam(input: { name: "Zeta labs" }) { id } }`);
    await adminGraphQL(stack.adminUrl, "admin", `mutation($input: AddTeamMemberInput!) { addTeamMember(input: $input) { role } }`,
      { input: { teamId: team.id, user: "teamadmin", role: "team_admin" } });
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.getByRole("link", { name: "dark_mode" }).waitFor();
    const switcher = page.getByLabel("Team");
    await switcher.locator("option").nth(1).waitFor({ state: "attached" });
    expect(await switcher.locator("option").allTextContents()).toEqual(["Acme", "Zeta labs"]);
    expect(await switcher.inputValue()).toBe(TEAM_ID);

    await switcher.selectOption({ label: "Zeta labs" });
    await page.getByText("No flags yet.").waitFor();
    expect(await page.getByLabel("Team").inputValue()).toBe(team.id);
    expect(new URL(page.url()).pathname).toBe("/flags");

    await page.goto(`/flags?q=nothing`);
    await page.getByLabel("Team").selectOption({ label: "Acme" });
    await page.waitForURL((url) => url.search === "?q=nothing");
    // The choice lives in the session: a new page load keeps it.
    await page.goto(`/flags/${FLAG_ID.dark_mode}`);
    await page.getByLabel("Team").selectOption({ label: "Zeta labs" });
    await page.waitForURL((url) => url.pathname === "/flags");
    await page.getByText("No flags yet.").waitFor();
    await page.reload();
    expect(await page.getByLabel("Team").inputValue()).toBe(team.id);
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  test("top bar: one row at 1280 px with every item; the account menu opens, closes with Escape and signs out", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin", { width: 1280 });
    const bar = page.locator("header.topbar");
    const tops = await bar.evaluate((header) => {
      const items = [header.querySelector(".brand"), ...header.querySelectorAll(".nav a"), header.querySelector("#team-switcher"),
        header.querySelector("[aria-keyshortcuts]"), header.querySelector("[title='Colour theme']"), header.querySelector(".account-menu > button")];
      return items.map((item) => { const box = item!.getBoundingClientRect(); return Math.round(box.top + box.height / 2); });
    });
    expect(tops).toHaveLength(11);
    // Every item's middle within a few pixels of the first's: one row.
    expect(tops.map((top) => Math.abs(top - tops[0]!) <= 4)).toEqual(tops.map(() => true));
    const account = page.getByRole("button", { name: "Tess Teamadmin" });
    expect(await account.getAttribute("aria-expanded")).toBe("false");
    await account.click();
    expect(await account.getAttribute("aria-expanded")).toBe("true");
    expect(await page.locator(".account-panel p").innerText()).toBe("teamadmin@acme.test\nteam admin");
    expect(await seriousViolations(page)).toEqual([]);
    await page.keyboard.press("Escape");
    expect(await page.getByRole("button", { name: "Sign out", exact: true }).isVisible()).toBe(false);
    expect(await account.evaluate((button) => button === document.activeElement)).toBe(true);
    await page.keyboard.press("Enter");
    await page.getByRole("link", { name: "Your account" }).click();
    await page.waitForURL("**/settings/account");
    await expect.poll(() => account.getAttribute("aria-expanded")).toBe("false");
    await account.click();
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.waitForURL("**/login");
    await context.close();
  });

  test("forced password change: a temporary password leads to the password page until it is changed", async () => {
    const temporary = "temporary-pass-123";
    await adminGraphQL(stack.adminUrl, "admin", `mutation($input: CreateUserInput!) { createUser(input: $input) { id } }`,
      { input: { username: "newhire", email: "newhire@acme.test", temporaryPassword: temporary } });
    await adminGraphQL(stack.adminUrl, "admin", `mutation($input: AddTeamMemberInput!) { addTeamMember(input: $input) { role } }`,
      { input: { teamId: TEAM_ID, user: "newhire", role: "viewer" } });
    const context = await browser.newContext({ baseURL: stack.consoleUrl });
    const page = await context.newPage();
    await signInAs(page, "newhire", temporary);
    await page.waitForURL("**/password");
    await page.getByText("newhire, your password is temporary: choose your own before you continue.").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    // Nothing else opens until it is changed.
    await page.goto("/flags");
    await page.waitForURL("**/password");

    await page.getByLabel("Current password").fill(temporary);
    await page.getByLabel(/^New password/).fill("my-own-password-1");
    await page.getByLabel("Repeat the new password").fill("my-own-password-2");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.getByText("The two new passwords differ.").waitFor();
    await page.getByLabel("Current password").fill(temporary);
    await page.getByLabel(/^New password/).fill("my-own-password-1");
    await page.getByLabel("Repeat the new password").fill("my-own-password-1");
    await page.getByRole("button", { name: "Change password" }).click();
    await page.waitForURL("**/flags");
    await page.getByRole("link", { name: "dark_mode" }).waitFor();
    await page.getByRole("button", { name: "newhire" }).click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL("**/login");
    await signInAs(page, "newhire", "my-own-password-1");
    await page.waitForURL("**/flags");
    await context.close();
  });

  test("prerequisites: requiring BetaUsers changes what OFREP serves; removing it restores the value", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    const pro = { targetingKey: "user-3", plan: "pro" };
    expect((await ofrep(stack.baseUrl, DEVELOPMENT_SECRET, "max_upload_mb", pro)).body.value).toBe(100);
    await page.goto(`/flags/${FLAG_ID.max_upload_mb}`);
    await page.getByText("None: this flag does not depend on another.").waitFor();
    await page.getByLabel("Requires flag").selectOption({ label: "BetaUsers" });
    await submit(page, page.getByRole("button", { name: "Add prerequisite" }));
    const item = page.getByRole("listitem").filter({ hasText: "must serve" });
    expect((await item.textContent())?.replace(/Remove$/, "")).toBe("BetaUsers must serve true");
    // Not an admin: BetaUsers is off for this user, so the prerequisite fails.
    const failed = await ofrepUntil(stack.baseUrl, DEVELOPMENT_SECRET, "max_upload_mb", pro, (b) => b.value !== 100);
    expect(failed.value).not.toBe(100);
    expect((await ofrep(stack.baseUrl, DEVELOPMENT_SECRET, "max_upload_mb", { ...pro, role: "admin" })).body.value).toBe(100);

    await submit(page, page.getByRole("button", { name: "Remove prerequisite BetaUsers" }));
    await page.getByText("None: this flag does not depend on another.").waitFor();
    expect((await ofrepUntil(stack.baseUrl, DEVELOPMENT_SECRET, "max_upload_mb", pro, (b) => b.value === 100)).value).toBe(100);
    await context.close();
  });

  test("promote: a flag live in development is promoted to staging, and staging's OFREP serves it", async () => {
    const key = "promo_banner";
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/flags/new");
    await page.getByLabel("Key").fill(key);
    await page.getByRole("button", { name: "Create flag" }).click();
    await page.waitForURL(/\/flags\/[0-9a-f-]{36}$/);
    await page.getByRole("heading", { name: key }).waitFor();
    // Not deployed in staging yet: staging answers DISABLED (once its snapshot has the new flag).
    expect((await ofrepUntil(stack.baseUrl, STAGING_SECRET, key, { targetingKey: "u" }, (b) => b.reason === "DISABLED")).reason).toBe("DISABLED");

    await page.getByRole("button", { name: "Request deploy to Development" }).click();
    const promote = page.getByRole("button", { name: "Promote to Staging" });
    await promote.waitFor();
    await promote.click();
    await page.getByRole("tab", { name: "Staging on" }).waitFor();
    // Staging now serves the flag's default (off) instead of refusing it as not deployed.
    const served = await ofrepUntil(stack.baseUrl, STAGING_SECRET, key, { targetingKey: "u" }, (b) => b.reason !== "DISABLED");
    expect(served).toMatchObject({ value: false, variant: "off" });
    expect(served.reason).not.toBe("DISABLED");
    await context.close();
  });

  test("history: a readable diff per version, and rollback to a version restores it", async () => {
    const { createFeature: flag } = await adminGraphQL<{ createFeature: { id: string } }>(stack.adminUrl, "teamadmin",
      `mutation($input: CreateFeatureInput!) { createFeature(input: $input) { id } }`,
      { input: { teamId: TEAM_ID, pipelineId: "00000000-0000-4000-8000-0000000000b0", key: "history_flag", type: "BOOLEAN" } });
    historyFlagId = flag.id;
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto(`/flags/${flag.id}`);
    await page.getByText(/^history_flag · boolean · \w+ · version 1$/).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("History (beta)");
    await submit(page, page.getByRole("button", { name: "Save overview" }));
    await page.getByText(/^History \(beta\) · boolean · \w+ · version 2$/).waitFor();

    await page.getByRole("link", { name: "Diff" }).first().click();
    await page.getByRole("heading", { name: "Changes in version 2" }).waitFor();
    const change = page.locator("tr", { has: page.locator("td.mono", { hasText: /(^|\.)name$/ }) });
    expect((await change.locator("td").allTextContents()).slice(1)).toEqual(["history_flag", "History (beta)"]);

    await submit(page, page.getByRole("button", { name: "Roll back to version 1" }));
    await page.getByText(/^history_flag · boolean · \w+ · version 3$/).waitFor();
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe("history_flag");
    await context.close();
  });

  test("audit log filters: by entity type, then by one entity's id", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/audit");
    await page.getByLabel("Entity type").selectOption("feature");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL((url) => url.searchParams.get("entityType") === "feature");
    const entities = page.locator('tbody td[data-label="Entity"]');
    await entities.first().waitFor();
    const types = await entities.evaluateAll((cells) => cells.map((c) => c.firstChild?.textContent));
    expect(types.length).toBeGreaterThan(0);
    expect(new Set(types)).toEqual(new Set(["feature"]));

    await page.getByLabel("Entity id").fill(historyFlagId);
    await page.getByRole("button", { name: "Apply" }).click();
    await page.waitForURL((url) => url.searchParams.get("entityId") === historyFlagId);
    // The history test's flag: created, renamed, rolled back; newest first.
    // The URL changes as the navigation starts: poll until the filtered rows have rendered.
    const actions = () => page.locator('tbody td[data-label="Action"]').evaluateAll((cells) => cells.map((c) => c.firstChild?.textContent));
    await expect.poll(actions, { timeout: 15_000 }).toEqual(["feature.rollback_to_version", "feature.update", "feature.create"]);
    expect(await page.getByLabel("Entity type").inputValue()).toBe("feature");
    expect(await seriousViolations(page)).toEqual([]);
    await context.close();
  });

  test("at 375 px wide every table reflows into labelled cards: nothing scrolls sideways", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin", { width: 375 });
    // The history test's flag has versions, so its page has a table.
    for (const url of ["/flags", "/audit", "/kill-switches", `/flags/${historyFlagId}`]) {
      await page.goto(url);
      await page.locator(".table-wrap tbody tr").first().waitFor();
      const layout = await page.evaluate(() => {
        const wraps = [...document.querySelectorAll<HTMLElement>(".table-wrap")];
        const cell = document.querySelector<HTMLElement>(".table-wrap td[data-label]");
        return {
          pageOverflow: document.documentElement.scrollWidth - window.innerWidth,
          tableOverflow: Math.max(...wraps.map((w) => w.scrollWidth - w.clientWidth)),
          rowDisplay: getComputedStyle(document.querySelector(".table-wrap tbody tr")!).display,
          label: cell ? [getComputedStyle(cell, "::before").content, `"${cell.dataset.label}"`] : null,
        };
      });
      expect({ url, ...layout }).toEqual({ url, pageOverflow: 0, tableOverflow: 0, rowDisplay: "block", label: layout.label && [layout.label[1], layout.label[1]] });
      expect(layout.label).not.toBeNull();
    }
    await context.close();
  });

  test("bootstrap: with no system admin the console asks for the first one, then signs them in", async () => {
    // The only way to have no system admin on a seeded stack: the database itself.
    await promisify(execFile)(process.execPath, [
      path.join(ROOT, "node_modules/wrangler/bin/wrangler.js"), "d1", "execute", "fluxgate", "--local", "--persist-to", stack.persistDir,
      "--yes", "--command", "UPDATE users SET is_system_admin = 0",
    ], { cwd: ROOT, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "true" } });
    const context = await browser.newContext({ baseURL: stack.consoleUrl, colorScheme: "dark" });
    const page = await context.newPage();
    await page.goto("/login");
    await page.waitForURL("**/bootstrap");
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("Username").fill("firstadmin");
    await page.getByLabel("Email").fill("first@acme.test");
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByLabel("Repeat the password").fill(`${PASSWORD}-typo`);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await page.getByText("The two passwords differ.").waitFor();
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.getByLabel("Repeat the password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create admin and sign in" }).click();
    await page.waitForURL("**/flags");
    await page.getByRole("button", { name: "firstadmin" }).click();
    expect(await page.locator(".account-panel p").innerText()).toBe("first@acme.test\nsystem admin");
    // Bootstrap is closed now: its page sends to sign-in.
    const other = await browser.newContext({ baseURL: stack.consoleUrl });
    const anonymous = await other.newPage();
    await anonymous.goto("/bootstrap");
    await anonymous.waitForURL("**/login");
    await other.close();
    await context.close();
  });
});
