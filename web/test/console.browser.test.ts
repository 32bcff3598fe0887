// The console in Debian's Chromium against the real local stack: the golden path of issue 9, rule
// reordering by keyboard and by drag and drop (checked through OFREP), axe on every screen, and
// screenshots of every main screen in light and dark (and at 375 px) for review.
import path from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { adminGraphQL, auditScreens, browser, DEVELOPMENT_SECRET, ofrepUntil, PRODUCTION_SECRET, SCREENSHOT_DIR, seriousViolations, signIn, stack, submit, withStackAndBrowser } from "./support";

const TEAM_ID = "00000000-0000-4000-8000-0000000000a1";
const PRODUCTION_ID = "00000000-0000-4000-8000-0000000000e3";

/** Waits (bounded) until the first rule of the editor is the named one. */
async function firstRuleIs(page: import("playwright-core").Page, name: string) {
  await page.locator(`li.rule[data-rule="${name}"]`).first().waitFor();
  const deadline = Date.now() + 5_000;
  while (Date.now() < deadline && (await page.locator("li.rule").first().getAttribute("data-rule")) !== name) await page.waitForTimeout(100);
  expect(await page.locator("li.rule").first().getAttribute("data-rule")).toBe(name);
}

/** After saving, the editor re-reads the rules from the server (Save is disabled again when clean). */
async function saveRules(page: import("playwright-core").Page) {
  await submit(page, page.getByRole("button", { name: "Save rules" }));
  await page.getByText("Rules saved.").waitFor();
  // The editor has re-read the saved list once every rule carries its server id (new rules remount then).
  await page.waitForFunction(() => {
    const input = document.querySelector<HTMLInputElement>('input[name="rules"]');
    return input !== null && (JSON.parse(input.value) as { id?: string }[]).every((rule) => typeof rule.id === "string");
  });
}

withStackAndBrowser();

beforeAll(async () => {
  // Production is protected: approvers decide (the demo data has no policy).
  await adminGraphQL(stack.adminUrl, "teamadmin", `mutation($input: CreateApprovalPolicyInput!) { createApprovalPolicy(input: $input) { id } }`, {
    input: { teamId: TEAM_ID, name: "Production needs an approver", appliesTo: "specific", environmentIds: [PRODUCTION_ID], eligibleRoles: ["approver"], requiredApprovals: 1 },
  });
});

describe("admin console", () => {
  test("golden path: a requested rule and deploy arrive live at an approver, OFREP follows; kill from the list and re-enable", async () => {
    const key = "checkout_cta";
    const requester = await signIn(browser, stack.consoleUrl, "requester");
    const approver = await signIn(browser, stack.consoleUrl, "approver@acme.test");
    const page = requester.page;

    // Create a string flag with two variants.
    await page.getByRole("link", { name: "New flag" }).click();
    await page.getByLabel("Key").fill(key);
    await page.getByLabel("Type").selectOption("STRING");
    await page.getByRole("button", { name: "Add variant" }).click();
    await page.getByRole("button", { name: "Add variant" }).click();
    await page.getByLabel("Variant 1 key").fill("buy");
    await page.getByLabel("Variant 1 value (JSON)").fill("Buy now");
    await (page.getByText("Strings are JSON: wrap the text in double quotes")).waitFor({ state: "visible" });
    await page.getByLabel("Variant 1 value (JSON)").fill('"Buy now"');
    await page.getByLabel("Variant 2 key").fill("order");
    await page.getByLabel("Variant 2 value (JSON)").fill('"Order"');
    await page.getByRole("button", { name: "Create flag" }).click();
    await page.waitForURL(/\/flags\/[0-9a-f-]{36}$/);
    await (page.getByRole("heading", { name: key })).waitFor({ state: "visible" });

    // A rule in production: country equals DE -> order. Production is protected: it becomes a request.
    await page.getByRole("tab", { name: /Production/ }).click();
    await page.waitForURL(/env=production/);
    // The URL moves before the page renders production's editor: wait for the tab to be the selected one.
    await expect.poll(() => page.getByRole("tab", { name: /Production/ }).getAttribute("aria-selected")).toBe("true");
    await page.getByRole("button", { name: "Add rule" }).click();
    await page.getByRole("button", { name: "Add conditions" }).click();
    await page.getByLabel("Rule 1 group 1 condition 1 attribute").fill("country");
    await page.getByLabel("Rule 1 group 1 condition 1 value").fill("DE");
    await page.getByLabel("Variant served by Rule 1").selectOption("order");
    await submit(page, page.getByRole("button", { name: "Save rules" }));
    await (page.getByText("the rules change is waiting for approval")).waitFor({ state: "visible" });

    // The approver's inbox receives it live (no reload) and approves.
    await approver.page.goto("/approvals");
    const inbox = approver.page.getByRole("list", { name: "Approval requests" });
    await (inbox.getByText(key)).waitFor({ state: "visible", timeout: 15_000 });
    // What the request asks for, in words.
    expect(await inbox.locator("li", { hasText: key }).locator("[data-change]").innerText())
      .toBe("Replace the rules in Production with 1 rule, in this order:\n\nRule 1: if country equals DE → serves order");
    await inbox.locator("li", { hasText: key }).getByRole("button", { name: "Approve" }).click();
    await (approver.page.getByText("Nothing is waiting for you.")).waitFor({ state: "visible", timeout: 15_000 });
    // The decided request, with its vote in words.
    await approver.page.goto("/approvals?view=all");
    expect(await approver.page.locator("li[data-request]", { hasText: "rules change" }).filter({ hasText: key }).locator("[data-votes]").innerText())
      .toBe("Votes: approver approved");
    await approver.page.goto("/approvals");

    // The requester asks for the production deploy; its own request shows Approve disabled with the reason.
    await page.reload();
    await page.getByRole("button", { name: "Request deploy to Production" }).click();
    await (page.getByText("Deploy requested: waiting for approval.")).waitFor({ state: "visible" });
    await page.goto("/approvals?view=requested&status=pending");
    const mine = page.getByRole("list", { name: "Approval requests" }).locator("li", { hasText: key });
    expect(await (mine.getByRole("button", { name: "Approve" })).isDisabled()).toBe(true);
    await (mine.getByText("You made this request: someone else must approve it.")).waitFor({ state: "visible" });

    const de = { targetingKey: "user-1", country: "DE" };
    expect((await ofrepUntil(stack.baseUrl, PRODUCTION_SECRET, key, de, () => true)).reason).toBe("DISABLED");
    await (inbox.getByText(key)).waitFor({ state: "visible", timeout: 15_000 });
    await inbox.locator("li", { hasText: key }).getByRole("button", { name: "Approve" }).click();
    expect((await ofrepUntil(stack.baseUrl, PRODUCTION_SECRET, key, de, (b) => b.value === "Order")).value).toBe("Order");

    // "Try it" evaluates the deployed flag for a typed context through the API.
    await page.goto("/flags?q=" + key);
    await page.getByRole("link", { name: key }).click();
    await page.getByRole("tab", { name: /Production/ }).click();
    await page.waitForURL(/env=production/);
    await expect.poll(() => page.getByRole("tab", { name: /Production/ }).getAttribute("aria-selected")).toBe("true");
    await page.getByRole("button", { name: "Add attribute" }).click();
    await page.getByLabel("Attribute 1 name").fill("country");
    await page.getByLabel("Attribute 1 value").fill("DE");
    await page.getByRole("button", { name: "Evaluate" }).click();
    const tried = page.getByTestId("try-result");
    await tried.waitFor();
    expect(await tried.textContent()).toMatch(/^Value"Order"VariantorderReasonTARGETING_MATCHRule[0-9a-f-]{36}$/);

    // A team admin kills it from the flags list; the monitor counts down; OFREP answers DISABLED.
    const admin = await signIn(browser, stack.consoleUrl, "teamadmin");
    await admin.page.goto(`/flags?q=${key}`);
    await admin.page.getByRole("button", { name: `Kill ${key}` }).click();
    await admin.page.getByLabel("Reason").fill("CTA test broke checkout");
    await admin.page.getByLabel(/Re-enable automatically after/).fill("15");
    await admin.page.getByRole("button", { name: "Engage kill switch" }).click();
    await (admin.page.getByRole("button", { name: `Re-enable ${key}` })).waitFor({ state: "visible" });
    expect((await ofrepUntil(stack.baseUrl, PRODUCTION_SECRET, key, de, (b) => b.reason === "DISABLED")).reason).toBe("DISABLED");
    await admin.page.goto("/kill-switches");
    const row = admin.page.locator(`tr[data-flag="${key}"]`);
    await (row.locator("time.countdown")).waitFor({ state: "visible" });
    expect(await (row.locator("time.countdown")).textContent()).toMatch(/^1[45]:\d\d$/);
    await admin.page.getByRole("button", { name: `Re-enable ${key}` }).click();
    await row.waitFor({ state: "detached" });
    expect((await ofrepUntil(stack.baseUrl, PRODUCTION_SECRET, key, de, (b) => b.value === "Order")).value).toBe("Order");

    for (const session of [requester, approver, admin]) await session.context.close();
  }, 180_000);

  test("keyboard and drag-and-drop reordering change which rule OFREP serves", async () => {
    const key = "checkout_button_text"; // demo: string flag with variants control and variant-a
    const admin = await signIn(browser, stack.consoleUrl, "teamadmin");
    const page = admin.page;
    await page.goto(`/flags/00000000-0000-4000-8000-0000000000f2?env=development`);
    // Replace the rules with two catch-all rules: the first one wins.
    // Only the rules' delete buttons (the page also offers "Delete <flag>" and "Delete variant <key>").
    const deleteRule = page.locator("li.rule").getByRole("button", { name: /^Delete / });
    for (let i = await deleteRule.count(); i > 0; i--) await deleteRule.first().click();
    for (const [name, variant] of [["first", "control"], ["second", "variant-a"]] as const) {
      await page.getByRole("button", { name: "Add rule" }).click();
      const index = await page.locator("li.rule").count();
      await page.getByLabel(`Name of rule ${index}`).fill(name);
      await page.getByLabel(`Variant served by ${name}`).selectOption(variant);
    }
    await saveRules(page);
    if (await page.getByRole("button", { name: "Request deploy to Development" }).isVisible()) {
      await page.getByRole("button", { name: "Request deploy to Development" }).click();
    }
    const user = { targetingKey: "user-9" };
    expect((await ofrepUntil(stack.baseUrl, DEVELOPMENT_SECRET, key, user, (b) => b.variant === "control")).variant).toBe("control");

    // Keyboard: focus the second rule's handle, Space, ArrowUp, Space.
    // Space lifts the rule (dnd-kit marks its handle aria-pressed), ArrowUp moves it, Space drops it.
    const handle2 = page.getByRole("button", { name: /^Reorder second/ });
    await handle2.press("Space");
    await page.locator('button.drag-handle[aria-pressed="true"]').waitFor();
    await page.keyboard.press("ArrowUp");
    await page.waitForTimeout(300); // the sortable animates to its new slot before the drop
    await page.keyboard.press("Space");
    await firstRuleIs(page, "second");
    await saveRules(page);
    expect((await ofrepUntil(stack.baseUrl, DEVELOPMENT_SECRET, key, user, (b) => b.variant === "variant-a")).variant).toBe("variant-a");

    // Pointer: drag "first" (now second) above "second".
    const handle = page.getByRole("button", { name: /^Reorder first/ });
    const target = page.locator("li.rule").first();
    const from = (await handle.boundingBox())!;
    const to = (await target.boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2, from.y - 10, { steps: 5 });
    await page.mouse.move(to.x + 20, to.y + 5, { steps: 10 });
    await page.mouse.up();
    await firstRuleIs(page, "first");
    await saveRules(page);
    expect((await ofrepUntil(stack.baseUrl, DEVELOPMENT_SECRET, key, user, (b) => b.variant === "control")).variant).toBe("control");
    await admin.context.close();
  }, 120_000);

  test("every screen: no serious or critical axe violation; screenshots light, dark and 375 px", async () => {
    const screens = [
      ["flags", "/flags"], ["flag", "/flags/00000000-0000-4000-8000-0000000000f2"], ["new-flag", "/flags/new"],
      ["approvals", "/approvals?view=all"], ["kill-switches", "/kill-switches"], ["audit", "/audit"], ["password", "/password"],
    ] as const;
    const problems = await auditScreens(browser, stack.consoleUrl, "teamadmin", screens, [["light", 1280], ["dark", 1280], ["light", 375], ["dark", 375]]);
    const signedOut = await browser.newContext({ baseURL: stack.consoleUrl, colorScheme: "dark" });
    const login = await signedOut.newPage();
    await login.goto("/login");
    problems.push(...(await seriousViolations(login)).map((v) => `login: ${v}`));
    await login.screenshot({ path: path.join(SCREENSHOT_DIR, "login-dark-1280.png") });
    await signedOut.close();
    expect(problems).toEqual([]);
  }, 240_000);

  test("a cross-origin POST is refused with 403, never Remix's 500", async () => {
    const res = await fetch(`${stack.consoleUrl}/login`, {
      method: "POST", headers: { origin: "https://evil.example", "content-type": "application/x-www-form-urlencoded" },
      body: "login=teamadmin&password=fluxgate-demo",
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe("FORBIDDEN");
  });
});
