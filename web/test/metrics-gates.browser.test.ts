// Metrics and canary gates in Debian's Chromium against the real local stack: a metric created in
// the UI accepts POST /v1/track events and shows on the experiments dashboard; a gate created in the
// UI shows there too; validation before submit, the API's refusals, edit and delete paths; axe
// light and dark with screenshots.
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { auditScreens, browser, DEVELOPMENT_SECRET, signIn, stack, submit, withStackAndBrowser } from "./support";

const ENV_DEVELOPMENT = "00000000-0000-4000-8000-0000000000e1";
const CHECKOUT_BUTTON_TEXT = "00000000-0000-4000-8000-0000000000f2";

withStackAndBrowser();

/** POST /v1/track: `users` users of `variant`, the first `converted` converting; the response status. */
async function track(metric: string, variant: string, users: number, converted: number): Promise<number> {
  const events = Array.from({ length: users }, (_, i) => ({ metric, flag: "checkout_button_text", variant, targetingKey: `${variant}-${i}`, value: i < converted ? 1 : 0 }));
  const res = await fetch(`${stack.baseUrl}/v1/track`, {
    method: "POST", headers: { authorization: `Bearer ${DEVELOPMENT_SECRET}`, "content-type": "application/json" }, body: JSON.stringify({ events }),
  });
  return res.status;
}

const cells = (page: Page, selector: string) => page.locator(selector).locator("th, td").allInnerTexts().then((t) => t.map((s) => s.trim()));
/** A settings row's cells without its actions cell. */
const rowCells = (page: Page, selector: string) => cells(page, selector).then((t) => t.slice(0, -1));

async function confirm(page: Page, opener: string, confirmLabel: string) {
  await page.getByRole("button", { name: opener }).click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await submit(page, dialog.getByRole("button", { name: confirmLabel, exact: true }));
}

describe("settings: metrics and canary gates", () => {
  test("a metric created in the UI takes tracked events and shows on the experiments dashboard; a gate created in the UI shows there; edit and delete", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    // The dashboard's hint leads to the metrics screen.
    await page.goto("/dashboards/experiments");
    await page.getByRole("link", { name: "Manage metrics" }).click();
    await page.waitForURL(/\/settings\/metrics$/);
    const create = page.getByRole("form", { name: "New metric" });

    // Validation before submit.
    await create.getByRole("button", { name: "Create metric" }).click();
    await create.getByText("Give the metric a key").waitFor();
    await create.getByText("Choose the metric's type.").waitFor();
    expect(await create.getByLabel("Key").getAttribute("aria-invalid")).toBe("true");
    await create.getByLabel("Key").fill("1-signup");
    await create.getByLabel("Type").selectOption("conversion");
    await create.getByLabel("Name").fill("Sign-ups");
    await create.getByLabel("Success criteria").fill("{minLift");
    await create.getByRole("button", { name: "Create metric" }).click();
    await create.getByText("The key must be 1-100 characters").waitFor();
    await create.getByText("The success criteria must be JSON").waitFor();
    await create.getByLabel("Key").fill("signup");
    await create.getByLabel("Success criteria").fill('{"minLift": 0.05}');
    await submit(page, create.getByRole("button", { name: "Create metric" }));
    await create.getByText("Metric created.").waitFor();
    expect(await rowCells(page, 'tr[data-metric="signup"]')).toEqual(["signup", "Sign-ups", "conversion", "—"]);

    // The API's refusal, shown in the form: the key is taken.
    await create.getByLabel("Key").fill("signup");
    await create.getByLabel("Type").selectOption("numeric");
    await create.getByLabel("Name").fill("Again");
    await create.getByRole("button", { name: "Create metric" }).click();
    await create.getByText("A metric with this key already exists in the team").waitFor();

    // Edit: name and unit (key and type are fixed).
    const row = page.locator('tr[data-metric="signup"]');
    await row.locator("summary[aria-label=\"Edit signup\"]").click();
    const edit = row.getByRole("form", { name: "Edit signup" });
    await edit.getByLabel("Name").fill("Signed up");
    await edit.getByLabel("Unit").fill("users");
    await submit(page, edit.getByRole("button", { name: "Save metric" }));
    await expect.poll(() => rowCells(page, 'tr[data-metric="signup"]')).toEqual(["signup", "Signed up", "conversion", "users"]);

    // Applications track it; the experiments dashboard compares the variants on it.
    expect(await track("signup", "control", 4, 1)).toBe(202);
    expect(await track("signup", "variant-a", 5, 2)).toBe(202);
    await page.goto(`/dashboards/experiments?feature=${CHECKOUT_BUTTON_TEXT}&env=${ENV_DEVELOPMENT}`);
    const signup = page.locator('[data-metric="signup"]');
    await signup.waitFor();
    expect((await cells(page, '[data-metric="signup"] tr[data-variant="control"]')).slice(1, 4)).toEqual(["4", "1", "25.0 %"]);
    expect((await cells(page, '[data-metric="signup"] tr[data-variant="variant-a"]')).slice(1, 4)).toEqual(["5", "2", "40.0 %"]);

    // Canary gates: from the dashboard to the gates of this flag and environment.
    await page.getByRole("link", { name: "Manage canary gates" }).click();
    await page.waitForURL(/\/settings\/canary-gates\?/);
    await page.getByRole("heading", { name: "New canary gate on checkout_button_text in Development" }).waitFor();
    const gateForm = page.getByRole("form", { name: "New canary gate" });
    await gateForm.getByLabel("Metric").selectOption("signup");
    await gateForm.getByLabel("Baseline variant").selectOption("control");
    await gateForm.getByLabel("Canary variant").selectOption("control");
    await gateForm.getByLabel("Threshold (%)").fill("0");
    await gateForm.getByRole("button", { name: "Create gate" }).click();
    await gateForm.getByText("The canary variant must differ from the baseline variant.").waitFor();
    await gateForm.getByText("The threshold is a percentage above 0 and at most 1000.").waitFor();
    await gateForm.getByLabel("Canary variant").selectOption("variant-a");
    await gateForm.getByLabel("Threshold (%)").fill("10");
    await gateForm.getByLabel("Minimum sample size").fill("3");
    await gateForm.getByLabel("Engage the kill switch when the gate fails").check();
    await gateForm.getByLabel("Release the kill switch after (minutes)").fill("30");
    await submit(page, gateForm.getByRole("button", { name: "Create gate" }));
    await gateForm.getByText("Gate created.").waitFor();
    // The table re-renders with the revalidated list after the form's own answer: poll for the row.
    await expect.poll(() => rowCells(page, 'tr[data-gate="signup"]'), { timeout: 10_000 }).toEqual([
      "Signed up signup", "variant-a vs control", "drops more than 10% over 60 min (min. 3 samples)", "kill switch, released after 30 min", "enabled",
    ]);

    // The API's refusal: one gate per metric and stage.
    await gateForm.getByLabel("Metric").selectOption("signup");
    await gateForm.getByLabel("Baseline variant").selectOption("control");
    await gateForm.getByLabel("Canary variant").selectOption("variant-a");
    await gateForm.getByLabel("Threshold (%)").fill("5");
    await gateForm.getByRole("button", { name: "Create gate" }).click();
    await gateForm.getByText("The stage already has a canary gate on this metric").waitFor();

    // Edit: a larger threshold, disabled.
    const gateRow = page.locator('tr[data-gate="signup"]');
    await gateRow.locator("summary[aria-label=\"Edit the gate on signup\"]").click();
    const gateEdit = gateRow.getByRole("form", { name: "Edit the gate on signup" });
    await gateEdit.getByLabel("Threshold (%)").fill("20");
    await gateEdit.getByLabel("Enabled (analysed every minute)").uncheck();
    await submit(page, gateEdit.getByRole("button", { name: "Save gate" }));
    await expect.poll(() => rowCells(page, 'tr[data-gate="signup"]')).toEqual([
      "Signed up signup", "variant-a vs control", "drops more than 20% over 60 min (min. 3 samples)", "kill switch, released after 30 min", "disabled",
    ]);

    // The dashboard shows the gate.
    await page.getByRole("link", { name: "experiments dashboard" }).click();
    await page.getByRole("heading", { name: "variant-a vs control on signup in Development" }).waitFor();
    expect(await page.locator("article[data-gate]").getByTestId("gate-status").innerText()).toBe("disabled");

    // Delete the gate, then the metric: tracking it is refused afterwards.
    await page.getByRole("link", { name: "Manage canary gates" }).click();
    await confirm(page, "Delete the gate on signup", "Delete gate");
    await page.getByText("No canary gate watches checkout_button_text in Development.").waitFor();
    await page.goto("/settings/metrics");
    await confirm(page, "Delete signup", "Delete metric");
    await expect.poll(() => page.locator('tr[data-metric="signup"]').count()).toBe(0);
    expect(await track("signup", "control", 1, 1)).toBe(400);
    await context.close();
  }, 240_000);

  test("axe: no serious violation on either screen, light and dark (screenshots)", async () => {
    const screens = [["settings-metrics", "/settings/metrics"], ["settings-canary-gates", `/settings/canary-gates?feature=${CHECKOUT_BUTTON_TEXT}&env=${ENV_DEVELOPMENT}`]] as const;
    const problems = await auditScreens(browser, stack.consoleUrl, "teamadmin", screens, [["light", 1280], ["dark", 1280]]);
    expect(problems).toEqual([]);
  }, 180_000);
});
