// The rollout, experiments and dependency dashboards in Debian's Chromium against the real local
// stack (`npm run dev`), on the demo data plus what each test creates through the API: exact figures
// for each dashboard, live updates without a reload, the dependency graph's links (mouse and
// keyboard), a prerequisite cycle refused before it is sent (and by the API), add and remove of a
// prerequisite, and axe with screenshots in light and dark.
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { adminGraphQL, browser, DEVELOPMENT_SECRET, SCREENSHOT_DIR, seriousViolations, signIn, stack, withStackAndBrowser } from "./support";

const TEAM_ID = "00000000-0000-4000-8000-0000000000a1";
const ENV = { development: "00000000-0000-4000-8000-0000000000e1", production: "00000000-0000-4000-8000-0000000000e3" };
const FLAG = {
  BetaUsers: "00000000-0000-4000-8000-0000000000f1",
  checkout_button_text: "00000000-0000-4000-8000-0000000000f2",
  new_checkout_flow: "00000000-0000-4000-8000-0000000000f5",
  dark_mode: "00000000-0000-4000-8000-0000000000f6",
};
/** Demo stage ids: feature n in environment e is 5<n><e>. */
const stageId = (feature: number, environment: number) => `00000000-0000-4000-8000-${`5${feature}${environment}`.padStart(12, "0")}`;

const gql = <T>(login: string, query: string, variables: Record<string, unknown> = {}) => adminGraphQL<T>(stack.adminUrl, login, query, variables);

/** Metric events for users `${prefix}-${variant}-${i}`, the first `converted` of them converting. */
async function track(metric: string, variant: string, users: number, converted: number) {
  const events = Array.from({ length: users }, (_, i) => ({ metric, flag: "checkout_button_text", variant, targetingKey: `${metric}-${variant}-${i}`, value: i < converted ? 1 : 0 }));
  for (let i = 0; i < events.length; i += 500) {
    const res = await fetch(`${stack.baseUrl}/v1/track`, {
      method: "POST", headers: { authorization: `Bearer ${DEVELOPMENT_SECRET}`, "content-type": "application/json" },
      body: JSON.stringify({ events: events.slice(i, i + 500) }),
    });
    expect(res.status).toBe(202);
  }
}

/** The text of each cell of a table row, trimmed. */
const cells = (page: Page, selector: string) => page.locator(selector).locator("th, td").allInnerTexts().then((t) => t.map((s) => s.trim()));

/** The kpi card's value and its note. */
const kpi = (page: Page, label: string) => page.locator(`[data-kpi="${label}"] dd`).innerText().then((t) => t.trim().split("\n").map((s) => s.trim()));

withStackAndBrowser();

describe("rollout dashboard", () => {
  test("shows delivery metrics, health, the pending request, the pipeline and timeline; approvals and kill switches arrive live", async () => {
    // A deploy this week (dark_mode in development: rolled back, then deployed again, no approval there),
    // and a pending rollback of dark_mode in production behind an approval policy.
    const { createApprovalPolicy: policy } = await gql<{ createApprovalPolicy: { id: string } }>("teamadmin", `mutation($input: CreateApprovalPolicyInput!) { createApprovalPolicy(input: $input) { id } }`, {
      input: { teamId: TEAM_ID, name: "Production needs an approver", appliesTo: "specific", environmentIds: [ENV.production], eligibleRoles: ["approver"], requiredApprovals: 1 },
    });
    try {
      await gql("teamadmin", `mutation($s: ID!) { requestRollback(stageId: $s) { status } }`, { s: stageId(6, 1) });
      await gql("teamadmin", `mutation($s: ID!) { requestDeploy(stageId: $s) { status } }`, { s: stageId(6, 1) });
      const { requestRollback } = await gql<{ requestRollback: { status: string; request: { id: string } } }>("requester",
        `mutation($s: ID!) { requestRollback(stageId: $s, comment: "too dark") { status request { id } } }`, { s: stageId(6, 3) });
      expect(requestRollback.status).toBe("ROLLBACK_REQUESTED");

      const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
      await page.goto("/dashboards/rollout");
      await page.getByRole("heading", { name: "Rollout", exact: true }).waitFor();
      await page.locator('.live-status[data-state="connected"]').waitFor({ timeout: 30_000 });
      expect(await kpi(page, "Flags deployed this week")).toEqual(["1", "0 last week"]);
      expect(await kpi(page, "Pending approvals")).toEqual(["1"]);
      expect(await kpi(page, "Average approval time")).toEqual(["—", "requests decided in 30 days"]);
      expect(await kpi(page, "Bottleneck environment")).toEqual(["Production", expect.stringMatching(/^0(\.\d)? h average wait · 1 request$/)]);
      expect(await kpi(page, "Fully rolled out")).toEqual(["6 of 7", "live in every environment"]);
      expect(await kpi(page, "Live stages")).toEqual(["21 of 21"]);
      expect(await kpi(page, "Waiting for a decision")).toEqual(["1"]);
      expect(await kpi(page, "Killed flags")).toEqual(["1"]);

      const pending = page.locator(`tr[data-request="${requestRollback.request.id}"]`);
      expect((await cells(page, `tr[data-request="${requestRollback.request.id}"]`)).filter((_, i) => i !== 3)).toEqual(["dark_mode", "rollback in Production", "requester", "0/1"]);
      expect(await cells(page, 'tr[data-flag="dark_mode"]')).toEqual(["dark_mode", "on", "on", "rollback requested", "Production"]);
      expect(await cells(page, 'tr[data-flag="legacy_search"]')).toEqual(["legacy_search", "killed", "killed", "killed", "Production"]);
      const killList = page.getByRole("list", { name: "Engaged kill switches" });
      expect(await killList.locator("li").count()).toBe(1);
      expect(await killList.locator('li[data-flag="legacy_search"]').innerText()).toContain("Demo: incident in the legacy search backend");
      const timeline = page.getByRole("list", { name: "Latest rollout events, newest first" });
      expect((await timeline.locator("li").allInnerTexts()).map((t) => t.split(" · ")[0])).toEqual([
        "Deployed dark_mode in Development", "Rolled back dark_mode in Development",
      ]);

      // Live, no reload: the approver approves through the API; a kill switch is engaged through the API.
      const marker = await page.evaluate(() => ((window as unknown as { marker: number }).marker = Math.random()));
      await gql("approver", `mutation($id: ID!) { approveRequest(requestId: $id) { status } }`, { id: requestRollback.request.id });
      await pending.waitFor({ state: "detached", timeout: 15_000 });
      await page.getByText("No request is waiting.").waitFor();
      await page.locator('tr[data-flag="dark_mode"] td', { hasText: "rolled back" }).waitFor({ timeout: 15_000 });
      await gql("teamadmin", `mutation($id: ID!) { emergencyDisableFeature(id: $id, reason: "contrast bug", rollbackInMinutes: 20) { id } }`, { id: FLAG.dark_mode });
      await killList.locator('li[data-flag="dark_mode"]').waitFor({ timeout: 15_000 });
      expect(await killList.locator('li[data-flag="dark_mode"]').innerText()).toMatch(/^killed\s+dark_mode\s+contrast bug\s+since .* UTC · re-enables in (20:00|19:\d\d)$/);
      expect(await kpi(page, "Killed flags")).toEqual(["2"]);
      expect(await page.evaluate(() => (window as unknown as { marker: number }).marker)).toBe(marker);
      await gql("teamadmin", `mutation($id: ID!) { emergencyEnableFeature(id: $id) { id } }`, { id: FLAG.dark_mode });
      await killList.locator('li[data-flag="dark_mode"]').waitFor({ state: "detached", timeout: 15_000 });
      await context.close();
    } finally {
      // Later tests change prerequisites, which a protected environment would refuse.
      await gql("teamadmin", `mutation($id: ID!) { deleteApprovalPolicy(id: $id) { id } }`, { id: policy.id });
    }
  }, 120_000);
});

describe("experiments dashboard", () => {
  test("shows exposures, rates with intervals, lift and confidence, the sample-ratio warning and a canary gate's verdict and history", async () => {
    for (const key of ["purchase", "purchase_srm"]) {
      await gql("teamadmin", `mutation($i: CreateMetricInput!) { createMetric(input: $i) { id } }`, { i: { teamId: TEAM_ID, key, name: key, type: "conversion" } });
    }
    await track("purchase", "control", 1000, 100);
    await track("purchase", "variant-a", 1000, 130);
    await track("purchase_srm", "control", 800, 80);
    await track("purchase_srm", "variant-a", 200, 20);
    const { createCanaryGate: gate } = await gql<{ createCanaryGate: { id: string } }>("teamadmin", `mutation($i: CreateCanaryGateInput!) { createCanaryGate(input: $i) { id } }`, { i: {
      featureId: FLAG.checkout_button_text, environmentId: ENV.development, metricKey: "purchase", baselineVariant: "control", canaryVariant: "variant-a",
      direction: "higher_is_better", thresholdPct: 10, minSampleSize: 50, windowMinutes: 60,
    } });
    // Exposures: evaluations through OFREP in development.
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${stack.baseUrl}/ofrep/v1/evaluate/flags/checkout_button_text`, {
        method: "POST", headers: { authorization: `Bearer ${DEVELOPMENT_SECRET}`, "content-type": "application/json" }, body: JSON.stringify({ context: { targetingKey: `exp-${i}` } }),
      });
      expect(res.status).toBe(200);
    }

    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/dashboards/experiments");
    await page.locator('.live-status[data-state="connected"]').waitFor({ timeout: 30_000 });
    expect(await page.getByLabel("Flag").inputValue()).toBe(FLAG.checkout_button_text);
    expect(await page.getByLabel("Environment").inputValue()).toBe(ENV.development);

    const purchase = page.locator('[data-metric="purchase"]');
    expect(await purchase.getByTestId("recommendation").innerText()).toBe("Roll out variant-a: +30.0% vs control at 96.5% confidence");
    expect(await cells(page, '[data-metric="purchase"] tr[data-variant="control"]')).toEqual(["control", "1000", "100", "10.0 %", "8.3 % – 12.0 %", "baseline", "—", "50 % (50 %)"]);
    expect(await cells(page, '[data-metric="purchase"] tr[data-variant="variant-a"]')).toEqual(["variant-a winner", "1000", "130", "13.0 %", "11.1 % – 15.2 %", "+30.0 %", "96.5 %", "50 % (50 %)"]);
    expect(await purchase.getByRole("alert").count()).toBe(0);
    const srm = page.locator('[data-metric="purchase_srm"]');
    expect(await srm.getByRole("alert").innerText()).toContain(
      "Sample ratio mismatch: control has 80.0% of the samples but 50.0% of the configured split");
    expect(await srm.getByRole("alert").innerText()).toContain(
      "Sample ratio mismatch: variant-a has 20.0% of the samples but 50.0% of the configured split");

    // The exposures arrive (evaluation counts land within a flush interval): at most a minute's wait, re-read by the page itself.
    const exposures = page.getByRole("table", { name: /Exposures/ });
    await exposures.waitFor({ timeout: 90_000 });
    const exposed = await exposures.locator("tbody tr").evaluateAll((rows) => rows.map((r) => Number(r.querySelector("td")!.textContent)));
    expect(exposed.reduce((a, b) => a + b, 0)).toBe(6);

    // The gate: not analysed yet, then "Analyse now" shows the API's verdict and a history row.
    const card = page.locator(`[data-gate="${gate.id}"]`);
    expect(await card.getByTestId("gate-status").innerText()).toBe("not analysed yet");
    await card.getByRole("button", { name: "Analyse now" }).click();
    await card.locator('tr[data-outcome="passed"]').waitFor({ timeout: 15_000 });
    const { canaryResults } = await gql<{ canaryResults: { reason: string; baselineValue: number; canaryValue: number }[] }>("viewer",
      `query($id: ID!) { canaryResults(gateId: $id) { reason baselineValue canaryValue } }`, { id: gate.id });
    expect(canaryResults).toMatchObject([{ baselineValue: 0.1, canaryValue: 0.13 }]);
    expect(await card.getByTestId("gate-status").innerText()).toBe("passed");
    await card.getByText(canaryResults[0]!.reason).waitFor();
    expect(await cells(page, `[data-gate="${gate.id}"] tr[data-outcome="passed"]`).then((c) => c.slice(1))).toEqual(["passed", "0.1 n=1000", "0.13 n=1000", "0 %", "manual"]);
    await context.close();
  }, 180_000);
});

describe("dependency graph", () => {
  test("links each node to its flag (mouse and keyboard), refuses a cycle before sending it (the API refuses it too), adds and removes a prerequisite", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/dashboards/dependencies");
    const graph = page.getByRole("group", { name: "Prerequisite graph: each box links to its flag" });
    expect(await graph.locator("a.dep-node").evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-flag")))).toEqual(["BetaUsers", "new_checkout_flow"]);
    expect(await graph.locator('a[data-flag="new_checkout_flow"]').getAttribute("aria-label")).toBe("new_checkout_flow, requires BetaUsers");
    expect(await page.getByText("5 other flags have neither prerequisites nor dependents.").count()).toBe(1);
    const list = page.getByRole("list", { name: "Flags and their prerequisites" });
    expect(await list.locator('li[data-flag="new_checkout_flow"] > ul').innerText()).toMatch(/^requires BetaUsers serving true\s+Remove$/);
    expect(await list.locator('li[data-flag="BetaUsers"] p').innerText()).toBe("Required by new_checkout_flow");

    await graph.locator('a[data-flag="BetaUsers"]').click();
    await page.waitForURL(`**/flags/${FLAG.BetaUsers}`);
    // The URL changes before the page renders: going back (or pressing a key) before that would act
    // on the graph about to be replaced.
    await page.getByRole("heading", { level: 1, name: "BetaUsers" }).waitFor();
    await page.goBack();
    await page.waitForURL("**/dashboards/dependencies");
    await page.getByRole("heading", { level: 1, name: "Dependency graph" }).waitFor();
    // Enter on the focused node follows it (locator.press focuses the node, then presses).
    const node = graph.locator('a[data-flag="new_checkout_flow"]');
    await node.press("Enter");
    await page.waitForURL(`**/flags/${FLAG.new_checkout_flow}`);
    await page.goto("/dashboards/dependencies");

    // BetaUsers requiring new_checkout_flow would close a cycle: the API refuses it, naming the cycle,
    // and the page says so before anything is sent.
    let apiMessage = "";
    await gql("teamadmin", `mutation($i: SetFeaturePrerequisiteInput!) { setFeaturePrerequisite(input: $i) { id } }`,
      { i: { featureId: FLAG.BetaUsers, requiredFeatureId: FLAG.new_checkout_flow } }).catch((e: Error) => { apiMessage = e.message; });
    expect(apiMessage).toContain("would create the cycle BetaUsers -> new_checkout_flow -> BetaUsers");
    await page.getByLabel("Flag", { exact: true }).selectOption({ label: "BetaUsers" });
    await page.getByLabel("Requires", { exact: true }).selectOption({ label: "new_checkout_flow" });
    expect(await page.getByRole("alert").innerText())
      .toBe("BetaUsers requiring new_checkout_flow would close the cycle BetaUsers → new_checkout_flow → BetaUsers: remove one of its prerequisites first.");
    expect(await page.getByRole("button", { name: "Add prerequisite" }).isDisabled()).toBe(true);
    expect(await page.getByLabel("Requires", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(await graph.locator("a.dep-node").count()).toBe(2);

    // Choosing the same flag twice is refused before submitting.
    await page.getByLabel("Requires", { exact: true }).selectOption({ label: "BetaUsers" });
    expect(await page.getByRole("button", { name: "Add prerequisite" }).isDisabled()).toBe(true);
    await page.getByText("A flag cannot require itself.").waitFor();

    // dark_mode requires BetaUsers: a third node, an arrow from BetaUsers; then removed behind a confirmation.
    await page.getByLabel("Flag", { exact: true }).selectOption({ label: "dark_mode" });
    await page.getByRole("button", { name: "Add prerequisite" }).click();
    await graph.locator('a[data-flag="dark_mode"]').waitFor();
    await page.getByText("Prerequisite added.").waitFor().catch(async (error: Error) => {
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, "dependencies-added-failure.png"), fullPage: true });
      throw error;
    });
    expect(await graph.locator("a.dep-node").evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-flag")))).toEqual(["BetaUsers", "dark_mode", "new_checkout_flow"]);
    expect(await list.locator('li[data-flag="BetaUsers"] p').innerText()).toBe("Required by dark_mode, new_checkout_flow");
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "dependencies-edited-light-1280.png"), fullPage: true });
    // The confirmation can come a moment after the click (a form sent while a live re-read loads
    // waits for it, see use-refresh.ts): each answer waits for its own dialog.
    const dismissed = page.waitForEvent("dialog").then((dialog) => dialog.dismiss());
    await page.getByRole("button", { name: "Remove prerequisite BetaUsers from dark_mode" }).click();
    await dismissed;
    expect(await graph.locator("a.dep-node").count()).toBe(3);
    const accepted = page.waitForEvent("dialog").then((dialog) => dialog.accept());
    await page.getByRole("button", { name: "Remove prerequisite BetaUsers from dark_mode" }).click();
    await accepted;
    await page.getByText("Prerequisite removed.").waitFor().catch(async (error: Error) => {
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, "dependencies-removed-failure.png"), fullPage: true });
      throw error;
    });
    expect(await graph.locator("a.dep-node").count()).toBe(2);
    const { feature } = await gql<{ feature: { prerequisites: unknown[] } }>("viewer", `query($id: ID!) { feature(id: $id) { prerequisites { variant } } }`, { id: FLAG.dark_mode });
    expect(feature.prerequisites).toEqual([]);
    await context.close();
  }, 120_000);
});

test("the three dashboards: no serious or critical axe violation; screenshots light, dark and 375 px", async () => {
  const screens = [["rollout", "/dashboards/rollout"], ["experiments", "/dashboards/experiments"], ["dependencies", "/dashboards/dependencies"]] as const;
  const problems: string[] = [];
  for (const [scheme, width] of [["light", 1280], ["dark", 1280], ["dark", 375]] as const) {
    const session = await signIn(browser, stack.consoleUrl, "teamadmin", { colorScheme: scheme, width });
    for (const [name, url] of screens) {
      await session.page.goto(url);
      await session.page.locator("h1").waitFor();
      problems.push(...(await seriousViolations(session.page)).map((v) => `${name} (${scheme}, ${width}px): ${v}`));
      await session.page.screenshot({ path: path.join(SCREENSHOT_DIR, `dashboard-${name}-${scheme}-${width}.png`), fullPage: true });
    }
    await session.context.close();
  }
  expect(problems).toEqual([]);
}, 180_000);
