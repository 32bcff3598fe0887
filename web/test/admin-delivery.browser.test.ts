// The delivery and governance settings in Debian's Chromium against the real local stack: clients
// (a secret rotated in the UI then works through OFREP and the old one is refused), approval
// policies with the API's preview, freeze windows with recurrence and time zone, rollout templates
// (preview, then apply to a feature, checked through OFREP), notification channels with write-only
// secrets and a test send to a webhook receiver on 127.0.0.1; validation and API errors shown,
// confirmations, axe light and dark, screenshots.
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { adminGraphQL, auditScreens, browser, DEVELOPMENT_SECRET, ofrep, ofrepUntil, SCREENSHOT_DIR, seriousViolations, signIn, stack, submit, withStackAndBrowser } from "./support";

const TEAM_ID = "00000000-0000-4000-8000-0000000000a1";

let receiver: Server;
let receiverUrl: string;
const received: { headers: IncomingMessage["headers"]; body: string }[] = [];

withStackAndBrowser();

beforeAll(async () => {
  receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString("utf8") });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/fluxgate-hook`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
});

/** Polls OFREP with a secret until its status is `status`, bounded (the credential cache revalidates every 10 s). */
async function ofrepStatusBecomes(secret: string, key: string, status: number, timeoutMs = 40_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last = (await ofrep(stack.baseUrl, secret, key, { targetingKey: "user-1" })).status;
  while (last !== status && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 1_000));
    last = (await ofrep(stack.baseUrl, secret, key, { targetingKey: "user-1" })).status;
  }
  return last;
}

const row = (page: Page, attribute: string, name: string) => page.locator(`tr[${attribute}="${name}"]`);

/** Opens a confirmation dialog from a row's button and confirms it. */
async function confirmIn(page: Page, opener: string, confirm: string) {
  await page.getByRole("button", { name: opener }).click();
  const dialog = page.getByRole("dialog");
  await dialog.waitFor();
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes(".data")),
    dialog.getByRole("button", { name: confirm, exact: true }).click(),
  ]);
  return dialog;
}

describe("settings: delivery and governance", () => {
  test("clients: create (secret once), validation, edit, rotate in the UI then OFREP takes the new secret and refuses the old, disable, delete", async () => {
    const { page, context } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/settings/clients");
    await page.getByRole("heading", { name: "New client" }).waitFor();

    // Validation before submit: a name, an environment, origins only as origins.
    await page.getByRole("button", { name: "Create client" }).click();
    await page.getByText("Name the client.").waitFor();
    await page.getByText("Choose the environment the client evaluates in.").waitFor();
    expect(await page.getByLabel("Name").getAttribute("aria-invalid")).toBe("true");
    await page.getByLabel("Name").fill("Storefront");
    await page.getByLabel("Type").selectOption("web");
    await page.getByLabel("Environment").selectOption({ label: "Development" });
    await page.getByLabel("Allowed origins").fill("https://shop.example.com/\nhttps://www.example.com");
    await page.getByRole("button", { name: "Create client" }).click();
    await page.getByText('"https://shop.example.com/" is not an origin').waitFor();
    await page.getByLabel("Allowed origins").fill("https://shop.example.com\nhttps://www.example.com");
    await submit(page, page.getByRole("button", { name: "Create client" }));
    const firstSecret = await page.getByLabel("Client secret").inputValue();
    expect(firstSecret).toMatch(/^fg_[A-Za-z0-9_-]{40,}$/);
    await page.getByText("Copy it now: it is shown only this once").waitFor();
    await expect.poll(() => row(page, "data-client", "Storefront").innerText()).toContain("https://shop.example.com, https://www.example.com");

    // The API's own refusal, shown in the form: the name is taken.
    await page.getByLabel("Name").fill("Storefront");
    await page.getByLabel("Environment").selectOption({ label: "Development" });
    await submit(page, page.getByRole("button", { name: "Create client" }));
    await page.getByText("A client with this name already exists in the team").waitFor();

    // The new web client evaluates (no Origin header: a script is allowed).
    expect(await ofrepStatusBecomes(firstSecret, "dark_mode", 200)).toBe(200);

    // Edit: rename and change the origins.
    await page.getByRole("link", { name: "Edit Storefront" }).click();
    await page.getByRole("heading", { name: "Edit Storefront" }).waitFor();
    await page.getByLabel("Name").fill("Web shop");
    await page.getByLabel("Allowed origins").fill("https://shop.example.com");
    await page.getByRole("button", { name: "Save client" }).click();
    await page.waitForURL(/\/settings\/clients$/);
    await expect.poll(() => row(page, "data-client", "Web shop").innerText()).toContain("https://shop.example.com");

    // Rotate in the UI, behind a confirmation; the new secret is shown once, in the dialog.
    const dialog = await confirmIn(page, "Rotate the secret of Web shop", "Rotate secret");
    const rotated = await dialog.getByLabel("New client secret").inputValue();
    expect(rotated).toMatch(/^fg_/);
    expect(rotated).not.toBe(firstSecret);
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, "settings-client-rotated-light-1280.png") });
    await dialog.getByRole("button", { name: "Done" }).click();
    expect(await ofrepStatusBecomes(firstSecret, "dark_mode", 401)).toBe(401);
    expect(await ofrepStatusBecomes(rotated, "dark_mode", 200)).toBe(200);

    // Disable: OFREP refuses the client (403); enable again.
    await submit(page, page.getByRole("button", { name: "Disable Web shop" }));
    await expect.poll(() => row(page, "data-client", "Web shop").innerText()).toContain("disabled");
    expect(await ofrepStatusBecomes(rotated, "dark_mode", 403)).toBe(403);
    await submit(page, page.getByRole("button", { name: "Enable Web shop" }));
    await expect.poll(() => row(page, "data-client", "Web shop").innerText()).toContain("enabled");

    // Delete, confirmed; cancelling first keeps it.
    await page.getByRole("button", { name: "Delete Web shop" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Cancel" }).click();
    expect(await row(page, "data-client", "Web shop").count()).toBe(1);
    await confirmIn(page, "Delete Web shop", "Delete client");
    await expect.poll(() => row(page, "data-client", "Web shop").count()).toBe(0);
    expect(await ofrepStatusBecomes(rotated, "dark_mode", 401)).toBe(401);
    await context.close();
  }, 180_000);

  test("approval policies: validation, create, the API's refusal, the preview of what a change requires, edit, delete", async () => {
    const { page, context } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/settings/approval-policies");
    await page.getByText("No approval policy: every change applies at once.").waitFor();

    // The preview before any policy: a team admin's production deploy applies directly.
    await page.getByLabel("Environment", { exact: true }).selectOption({ label: "Production" });
    await page.getByLabel("Change", { exact: true }).selectOption("deploy");
    await page.getByRole("button", { name: "Preview" }).click();
    await page.locator('[data-outcome="NOT_REQUIRED"]').getByText('No approval policy covers environment "Production": the change applies directly').waitFor();

    // Validation before submit.
    await page.getByLabel("Covers").selectOption("specific");
    await page.getByRole("group", { name: "Eligible roles" }).getByLabel("approver").uncheck();
    await page.getByRole("group", { name: "Eligible roles" }).getByLabel("team admin").uncheck();
    await page.getByRole("button", { name: "Create policy" }).click();
    await page.getByText("Name the policy.").waitFor();
    await page.getByText("A specific policy lists at least one environment.").waitFor();
    await page.getByText("Name eligible roles or users (or both).").waitFor();

    await page.getByLabel("Name").fill("Production gate");
    await page.getByRole("group", { name: "Environments" }).getByLabel("Production").check();
    await page.getByRole("group", { name: "Eligible roles" }).getByLabel("approver").check();
    await submit(page, page.getByRole("button", { name: "Create policy" }));
    await page.getByText("Policy Production gate created.").waitFor();
    await expect.poll(() => row(page, "data-policy", "Production gate").innerText()).toContain("Production");

    // The API's refusal: names are unique in the team.
    await page.getByLabel("Name").fill("Production gate");
    await page.getByLabel("Covers").selectOption("all");
    await submit(page, page.getByRole("button", { name: "Create policy" }));
    await page.getByText("An approval policy with this name already exists in the team").waitFor();

    // The preview now names the policy and who would be asked.
    await page.getByRole("button", { name: "Preview" }).click();
    const preview = page.locator('[data-outcome="REQUIRES_APPROVAL"]');
    await preview.getByText('The approval policy "Production gate" requires 1 approval(s)').waitFor();
    expect(await preview.innerText()).toContain("Policy: Production gate · 1 approval needed");

    // Edit: two approvals, auto-approve after 24 h.
    await page.getByRole("link", { name: "Edit Production gate" }).click();
    await page.getByRole("heading", { name: "Edit Production gate" }).waitFor();
    await page.getByLabel("Approvals needed").fill("2");
    await page.getByLabel("Approve automatically after (hours)").fill("24");
    await page.getByRole("button", { name: "Save policy" }).click();
    await page.waitForURL(/\/settings\/approval-policies$/);
    await expect.poll(() => row(page, "data-policy", "Production gate").innerText()).toContain("after 24 h");
    const stored = await adminGraphQL<{ approvalPolicies: { requiredApprovals: number; autoApproveAfterHours: number; eligibleRoles: string[] }[] }>(
      stack.adminUrl, "teamadmin", `query($t: ID!) { approvalPolicies(teamId: $t) { requiredApprovals autoApproveAfterHours eligibleRoles } }`, { t: TEAM_ID });
    expect(stored.approvalPolicies).toEqual([{ requiredApprovals: 2, autoApproveAfterHours: 24, eligibleRoles: ["approver"] }]);

    await confirmIn(page, "Delete Production gate", "Delete policy");
    await page.getByText("No approval policy: every change applies at once.").waitFor();
    await context.close();
  }, 120_000);

  test("freeze windows: validation, create on the zone's wall clock, edit target and recurrence, delete", async () => {
    const { page, context } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/settings/freeze-windows");
    await page.getByText("No freeze window planned.").waitFor();

    await page.getByRole("button", { name: "Create freeze window" }).click();
    await page.getByText("Name the freeze window.").waitFor();
    await page.getByText("Choose the environment it freezes.").waitFor();
    await page.getByText("When does it start?").waitFor();

    await page.getByLabel("Name").fill("Holiday freeze");
    await page.getByLabel("Reason").fill("Support is away");
    await page.getByLabel("Environment", { exact: true }).selectOption({ label: "Production" });
    await page.getByLabel("Time zone").fill("Mars/Olympus");
    await page.getByLabel("Starts").fill("2026-12-24T18:00");
    await page.getByLabel("Ends").fill("2026-12-27T08:00");
    await page.getByLabel("Repeats").selectOption("DAILY");
    await page.getByRole("button", { name: "Create freeze window" }).click();
    await page.getByText('"Mars/Olympus" is not an IANA time zone (e.g. Europe/Paris).').waitFor();
    await page.getByLabel("Time zone").fill("Europe/Paris");
    await page.getByRole("button", { name: "Create freeze window" }).click();
    await page.getByText("A daily window lasts less than a day.").waitFor();
    await page.getByLabel("Repeats").selectOption("NONE");
    await submit(page, page.getByRole("button", { name: "Create freeze window" }));
    await page.getByText("Freeze window Holiday freeze created.").waitFor();
    await expect.poll(() => row(page, "data-freeze", "Holiday freeze").innerText()).toContain("24 Dec 2026, 18:00");
    type Stored = { freezeWindows: { startsAt: string; endsAt: string; timezone: string; recurrence: string; environmentType: string | null }[] };
    const windows = () => adminGraphQL<Stored>(stack.adminUrl, "teamadmin",
      `query($t: ID!) { freezeWindows(teamId: $t) { startsAt endsAt timezone recurrence environmentType } }`, { t: TEAM_ID });
    expect((await windows()).freezeWindows).toEqual([{
      startsAt: "2026-12-24T17:00:00.000Z", endsAt: "2026-12-27T07:00:00.000Z", timezone: "Europe/Paris", recurrence: "NONE", environmentType: null,
    }]);

    // Edit: the form shows the times on the window's clock; every staging environment, weekly, in New York.
    await page.getByRole("link", { name: "Edit Holiday freeze" }).click();
    await page.getByRole("heading", { name: "Edit Holiday freeze" }).waitFor();
    expect(await page.getByLabel("Starts").inputValue()).toBe("2026-12-24T18:00");
    await page.getByLabel("Every environment of a type").check();
    await page.getByLabel("Environment type").selectOption("staging");
    await page.getByLabel("Time zone").fill("America/New_York");
    await page.getByLabel("Starts").fill("2026-12-24T18:00");
    await page.getByLabel("Ends").fill("2026-12-25T06:00");
    await page.getByLabel("Repeats").selectOption("WEEKLY");
    await page.getByRole("button", { name: "Save freeze window" }).click();
    await page.waitForURL(/\/settings\/freeze-windows$/);
    await expect.poll(() => row(page, "data-freeze", "Holiday freeze").innerText()).toContain("every staging environment");
    expect(await row(page, "data-freeze", "Holiday freeze").innerText()).toContain("Every week");
    expect((await windows()).freezeWindows).toEqual([{
      startsAt: "2026-12-24T23:00:00.000Z", endsAt: "2026-12-25T11:00:00.000Z", timezone: "America/New_York", recurrence: "WEEKLY", environmentType: "staging",
    }]);

    await confirmIn(page, "Delete Holiday freeze", "Delete freeze window");
    await page.getByText("No freeze window planned.").waitFor();
    await context.close();
  }, 120_000);

  test("rollout templates: validation, create, edit, preview on a feature, apply, then OFREP serves it; delete", async () => {
    const { page, context } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/settings/templates");
    await row(page, "data-template", "Canary 10-50-100").waitFor();
    expect(await page.locator("tr[data-template]").count()).toBe(5);

    await page.getByLabel("Ramp steps (%)").fill("50, 10");
    await page.getByRole("button", { name: "Create template" }).click();
    await page.getByText("Name the template.").waitFor();
    await page.getByText("Step 2: percentages from 0 to 100, each more than the step before (e.g. 10, 50, 100).").waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Slow canary");
    await page.getByLabel("Type", { exact: true }).selectOption("canary");
    await page.getByLabel("Ramp steps (%)").fill("10, 100");
    await page.getByLabel("Minutes between steps").fill("1440");
    await submit(page, page.getByRole("button", { name: "Create template" }));
    await page.getByText("Template Slow canary created.").waitFor();
    await expect.poll(() => row(page, "data-template", "Slow canary").innerText()).toContain("steps 10, 100 % · every 1440 min");

    await page.getByRole("link", { name: "Edit Slow canary" }).click();
    await page.getByRole("heading", { name: "Edit Slow canary" }).waitFor();
    expect(await page.getByLabel("Ramp steps (%)").inputValue()).toBe("10, 100");
    await page.getByLabel("Name", { exact: true }).fill("Daily canary");
    await page.getByLabel("Ramp steps (%)").fill("20, 100");
    await page.getByRole("button", { name: "Save template" }).click();
    await page.waitForURL(/\/settings\/templates$/);
    await expect.poll(() => row(page, "data-template", "Daily canary").innerText()).toContain("steps 20, 100 % · every 1440 min");

    // Preview the team template on dark_mode in development: a 20 % rule now, 100 % a day later.
    await page.getByLabel("Template", { exact: true }).selectOption({ label: "Daily canary" });
    await page.getByLabel("Feature", { exact: true }).selectOption({ label: "dark_mode" });
    // The API's refusal, shown in place: neither the template nor the request names an environment.
    await page.getByRole("button", { name: "Preview", exact: true }).click();
    await expect.poll(() => page.getByRole("alert").allInnerTexts()).toEqual([expect.stringContaining("variables.environmentIds")]);
    await page.getByRole("group", { name: "Environments, in rollout order" }).getByLabel("Development").check();
    await page.getByRole("button", { name: "Preview", exact: true }).click();
    const plan = page.locator('tr[data-plan="development"]');
    await plan.waitFor();
    expect(await plan.innerText()).toContain("template: ramp: 20% get on");
    expect(await plan.innerText()).toMatch(/100% at \d{2}\/\d{2}\/\d{4}, \d{2}:\d{2} UTC/);

    // A user dark_mode's 25 % rollout leaves out, then the system on/off template, previewed and applied.
    let outsider = "";
    for (let i = 0; i < 40 && !outsider; i++) {
      if ((await ofrep(stack.baseUrl, DEVELOPMENT_SECRET, "dark_mode", { targetingKey: `user-${i}` })).body.value === false) outsider = `user-${i}`;
    }
    expect(outsider).not.toBe("");
    await page.getByLabel("Template", { exact: true }).selectOption({ label: "Simple on/off" });
    await page.getByRole("button", { name: "Preview", exact: true }).click();
    await page.waitForURL(/template=system%3Asimple_on_off/);
    await page.getByRole("heading", { name: "Simple on/off on dark_mode" }).waitFor();
    await page.getByRole("button", { name: "Apply this rollout" }).click();
    await page.locator('[data-applied="development"]').getByText("applied").waitFor();
    expect((await ofrepUntil(stack.baseUrl, DEVELOPMENT_SECRET, "dark_mode", { targetingKey: outsider }, (b) => b.value === true)).value).toBe(true);

    await confirmIn(page, "Delete Daily canary", "Delete template");
    await expect.poll(() => page.locator("tr[data-template]").count()).toBe(5);
    await context.close();
  }, 120_000);

  test("notification channels: validation, a webhook with write-only secrets, a test send to a local receiver, edit keeping secrets, remove", async () => {
    const { page, context } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/settings/notifications");
    const card = page.locator('section[data-channel="webhook"]');
    await card.getByText("not configured").waitFor();

    await card.getByRole("button", { name: "Save webhook channel" }).click();
    await card.getByText("The URL is required the first time.").waitFor();
    await card.getByText("The signing secret is required the first time.").waitFor();
    await card.getByLabel("URL").fill(receiverUrl);
    await card.getByLabel("Signing secret").fill("short");
    await card.getByRole("button", { name: "Save webhook channel" }).click();
    await card.getByText("At least 16 characters.").waitFor();
    await card.getByLabel("Signing secret").fill("delivery_signing_secret_0123456789");
    await submit(page, card.getByRole("button", { name: "Save webhook channel" }));
    await card.getByText("Webhook channel saved.").waitFor();
    await card.getByText("enabled", { exact: true }).waitFor();
    // Write-only: the fields stay empty, the stored secrets only show their masked previews.
    expect(await card.getByLabel("URL").inputValue()).toBe("");
    expect(await card.getByLabel("Signing secret").inputValue()).toBe("");
    expect(await card.innerText()).toContain(`Stored: ${new URL(receiverUrl).origin}/…`);
    expect(await card.innerText()).toContain("Stored: …6789");
    expect(await page.content()).not.toContain("delivery_signing_secret_0123456789");

    // A test send reaches the local receiver, signed, and its result is shown.
    const before = received.length;
    await card.getByRole("button", { name: "Send a test" }).click();
    await card.locator('[data-test-result="sent"]').waitFor();
    expect(received.length).toBe(before + 1);
    const hook = received.at(-1)!;
    expect(hook.headers["x-fluxgate-signature"]).toBe(`sha256=${createHmac("sha256", "delivery_signing_secret_0123456789").update(hook.body).digest("hex")}`);
    expect(JSON.parse(received.at(-1)!.body)).toMatchObject({ type: "test" });

    // Edit without re-entering the secrets: the Slack format, the stored URL and secret kept.
    await card.getByLabel("Body format").selectOption("slack");
    await submit(page, card.getByRole("button", { name: "Save webhook channel" }));
    await card.getByText("Webhook channel saved.").waitFor();
    await card.getByRole("button", { name: "Send a test" }).click();
    await expect.poll(() => received.length).toBe(before + 2);
    expect(JSON.parse(received.at(-1)!.body)).toEqual({ text: expect.stringContaining("Test notification from FluxGate") });
    await page.getByRole("heading", { name: "Recent deliveries" }).waitFor();

    // The API's refusal shown in the form: an SMS channel without a first auth token is caught first, the bad SID too.
    const sms = page.locator('section[data-channel="sms"]');
    await sms.getByLabel("Twilio account SID").fill("AC123");
    await sms.getByRole("button", { name: "Save sms channel" }).click();
    await sms.getByText("A Twilio account SID: AC followed by 32 hex digits.").waitFor();
    await sms.getByText("The auth token is required the first time.").waitFor();

    await confirmIn(page, "Remove the webhook channel", "Remove channel");
    await card.getByText("not configured").waitFor();
    await context.close();
  }, 120_000);

  test("a viewer sees the settings read-only, with the reason, and no notification channel", async () => {
    const { page, context } = await signIn(browser, stack.consoleUrl, "viewer");
    await page.goto("/settings/clients");
    await page.getByText("Only team admins create, rotate, disable or delete clients.").waitFor();
    expect(await page.locator("tr[data-client]").count()).toBeGreaterThan(0);
    expect(await page.getByRole("button", { name: /^(Delete|Rotate|Disable) / }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Create client" }).count()).toBe(0);
    await page.goto("/settings/freeze-windows");
    await page.getByText("Only team admins create, edit or delete freeze windows.").waitFor();
    await page.goto("/settings/notifications");
    await page.getByText("Only team admins see and change the team's notification channels.").waitFor();
    expect(await page.locator("section[data-channel]").count()).toBe(0);
    await context.close();
  }, 60_000);

  test("every delivery settings screen: no serious or critical axe violation; screenshots light and dark", async () => {
    const screens = [
      ["settings-clients", "/settings/clients"], ["settings-approval-policies", "/settings/approval-policies?previewEnvironment=00000000-0000-4000-8000-0000000000e3&changeType=deploy"],
      ["settings-freeze-windows", "/settings/freeze-windows"], ["settings-templates", `/settings/templates?template=system%3Acanary&feature=00000000-0000-4000-8000-0000000000f6&env=00000000-0000-4000-8000-0000000000e1`],
      ["settings-notifications", "/settings/notifications"],
    ] as const;
    // A confirmation dialog, open, in each variant too.
    const dialog = async (page: Page, label: string) => {
      await page.goto("/settings/clients");
      await page.waitForLoadState("networkidle"); // hydrated: the button opens its dialog
      await page.getByRole("button", { name: /^Delete / }).first().click();
      await page.getByRole("dialog").waitFor();
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, `settings-confirm-${label}.png`) });
      return (await seriousViolations(page)).map((v) => `delete dialog (${label}): ${v}`);
    };
    const problems = await auditScreens(browser, stack.consoleUrl, "teamadmin", screens, [["light", 1280], ["dark", 1280], ["dark", 375]], dialog);
    expect(problems).toEqual([]);
  }, 240_000);
});
