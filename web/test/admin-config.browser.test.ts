// Settings › configuration in Debian's Chromium against the real local stack (`npm run dev`):
// environments (with approval protection), pipelines (stages reordered by keyboard, persisted),
// contexts, segments (a segment made in the UI targets users through OFREP; deleting one in use is
// refused with the API's words) and feature import/export (a downloaded file, a preview, and each
// feature's outcome). Every screen gets axe and screenshots, light and dark.
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { adminGraphQL, auditScreen, browser, DEVELOPMENT_SECRET, ofrepUntil, signIn, stack, submit, withStackAndBrowser } from "./support";

const DARK_MODE_ID = "00000000-0000-4000-8000-0000000000f6";

withStackAndBrowser();

/** Opens the row's delete dialog and confirms it; resolves once the action answered and data reloaded. */
async function confirmDelete(page: Page, what: string) {
  await page.getByRole("button", { name: `Delete ${what}`, exact: true }).first().click();
  const dialog = page.getByRole("dialog", { name: `Delete ${what}?` });
  await dialog.waitFor();
  await submit(page, dialog.getByRole("button", { name: `Delete ${what}`, exact: true }));
  return dialog;
}

/** A table row's cells before its actions column. */
async function cellTexts(page: Page, row: string) {
  await page.locator(row).waitFor();
  return (await page.locator(row).locator("td").allInnerTexts()).slice(0, -1);
}

describe("settings: configuration", () => {
  test("environments: validation, create with protection, edit, a refused and a granted delete", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/settings/environments");
    await page.getByRole("heading", { name: "Environments" }).waitFor();
    expect(await page.locator("tr[data-environment]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-environment"))))
      .toEqual(["development", "production", "staging"]);

    // Checked before it is sent: a key with capitals and a space, no name.
    await page.getByLabel("Key").fill("QA env");
    await page.getByRole("button", { name: "Create environment" }).click();
    await page.getByText("1-50 characters: lowercase letters, digits, _ or -, starting with a letter.").waitFor();
    expect(await page.getByText("Enter a name.").isVisible()).toBe(true);
    expect(await page.getByLabel("Key").getAttribute("aria-invalid")).toBe("true");

    await page.getByLabel("Name").fill("QA");
    await page.getByLabel("Key").fill("qa");
    await page.getByLabel("Type").selectOption("staging");
    await page.getByLabel("Require approval for changes in this environment").check();
    await page.getByLabel("Approvals required").fill("2");
    await submit(page, page.getByRole("button", { name: "Create environment" }));
    await page.getByText("Environment qa created.").waitFor();
    expect(await cellTexts(page, 'tr[data-environment="qa"]')).toEqual(["QA", "qa", "staging", "2 approvals QA approvals"]);
    // The protection is a real approval policy.
    const policies = await adminGraphQL<{ approvalPolicies: { name: string; appliesTo: string; requiredApprovals: number }[] }>(stack.adminUrl, "teamadmin",
      `query { approvalPolicies(teamId: "00000000-0000-4000-8000-0000000000a1") { name appliesTo requiredApprovals } }`);
    expect(policies.approvalPolicies).toEqual([{ name: "QA approvals", appliesTo: "specific", requiredApprovals: 2 }]);

    // A key taken by another environment: the API's refusal, shown.
    await page.getByRole("link", { name: "Edit qa" }).click();
    await page.getByRole("heading", { name: "Edit QA" }).waitFor();
    await page.getByLabel("Key").fill("staging");
    await submit(page, page.getByRole("button", { name: "Save environment" }));
    const refusal = page.locator("form").getByRole("alert");
    await refusal.waitFor();
    expect(await refusal.innerText()).toBe("An environment with this key already exists in the team");

    await page.getByLabel("Key").fill("qa");
    await page.getByLabel("Name").fill("Quality");
    await page.getByLabel("Require approval for changes in this environment").uncheck();
    await submit(page, page.getByRole("button", { name: "Save environment" }));
    await page.getByText("Environment qa saved.").waitFor();
    await page.reload();
    expect(await cellTexts(page, 'tr[data-environment="qa"]')).toEqual(["Quality", "qa", "staging", "None"]);

    // Development carries every flag's stage: the API refuses, and the dialog says why.
    const refused = await confirmDelete(page, "development");
    await refused.getByRole("alert").waitFor();
    expect(await refused.getByRole("alert").innerText()).toMatch(/^Environment development is still used by .+; remove them first$/);
    await refused.getByRole("button", { name: "Cancel" }).click();
    await refused.waitFor({ state: "detached" });

    await confirmDelete(page, "qa");
    await page.locator('tr[data-environment="qa"]').waitFor({ state: "detached" });
    expect(await page.locator("tr[data-environment]").count()).toBe(3);

    // A protected environment's own policy goes with it.
    await page.getByLabel("Name").fill("Canary");
    await page.getByLabel("Key").fill("canary");
    await page.getByLabel("Type").selectOption("production");
    await page.getByLabel("Require approval for changes in this environment").check();
    await submit(page, page.getByRole("button", { name: "Create environment" }));
    expect(await cellTexts(page, 'tr[data-environment="canary"]')).toEqual(["Canary", "canary", "production", "1 approval Canary approvals"]);
    const dialog = await confirmDelete(page, "canary");
    await page.locator('tr[data-environment="canary"]').waitFor({ state: "detached" });
    expect(await dialog.count()).toBe(0);
    const after = await adminGraphQL<{ approvalPolicies: unknown[] }>(stack.adminUrl, "teamadmin",
      `query { approvalPolicies(teamId: "00000000-0000-4000-8000-0000000000a1") { name } }`);
    expect(after.approvalPolicies).toEqual([]);
    await context.close();
  });

  test("pipelines: at least one stage, create, stages reordered by keyboard and by pointer persist after reload, delete", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/settings/pipelines");
    await page.getByRole("heading", { name: "Pipelines", exact: true }).waitFor();
    await page.getByLabel("Name").fill("Fast lane");
    await page.getByRole("button", { name: "Create pipeline" }).click();
    await page.getByText("A pipeline needs at least one environment.").waitFor();

    for (const env of ["Development", "Production"]) {
      await page.getByLabel("Add stage").selectOption({ label: `${env} (${env.toLowerCase()})` });
      await page.getByRole("button", { name: "Add", exact: true }).click();
    }
    await submit(page, page.getByRole("button", { name: "Create pipeline" }));
    await page.getByText("Pipeline Fast lane created.").waitFor();
    const flow = page.getByRole("list", { name: "Stages of Fast lane" });
    expect(await flow.locator("li").allInnerTexts()).toEqual(["Development", "Production"]);

    await page.getByRole("link", { name: "Edit Fast lane" }).click();
    await page.getByRole("heading", { name: "Edit Fast lane" }).waitFor();
    // Keyboard: Space lifts Production's handle, ArrowUp moves it, Space drops it.
    await page.getByRole("button", { name: /^Reorder Production/ }).press("Space");
    await page.locator('button.drag-handle[aria-pressed="true"]').waitFor();
    await page.keyboard.press("ArrowUp");
    await page.waitForTimeout(300); // the sortable animates to its new slot before the drop
    await page.keyboard.press("Space");
    await page.getByText("Production dropped at position 1.").waitFor({ state: "attached" });
    expect(await page.locator("li.stage-item").evaluateAll((items) => items.map((i) => i.getAttribute("data-stage")))).toEqual(["production", "development"]);
    await submit(page, page.getByRole("button", { name: "Save pipeline" }));
    await page.getByText("Pipeline Fast lane saved.").waitFor();
    await page.reload();
    expect(await page.getByRole("list", { name: "Stages of Fast lane" }).locator("li").allInnerTexts()).toEqual(["Production", "Development"]);
    const stageOrder = () => page.locator("li.stage-item").evaluateAll((items) => items.map((i) => i.getAttribute("data-stage")));
    expect(await stageOrder()).toEqual(["production", "development"]);

    // Pointer: drag Development's handle above Production.
    const handle = page.getByRole("button", { name: /^Reorder Development/ });
    const from = (await handle.boundingBox())!;
    const to = (await page.locator("li.stage-item").first().boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + from.width / 2, from.y - 10, { steps: 5 });
    await page.mouse.move(to.x + 20, to.y + 5, { steps: 10 });
    await page.mouse.up();
    await expect.poll(stageOrder).toEqual(["development", "production"]);
    await submit(page, page.getByRole("button", { name: "Save pipeline" }));
    await page.reload();
    expect(await page.getByRole("list", { name: "Stages of Fast lane" }).locator("li").allInnerTexts()).toEqual(["Development", "Production"]);

    await confirmDelete(page, "Fast lane");
    await page.locator('li[data-pipeline="Fast lane"]').waitFor({ state: "detached" });
    await context.close();
  });

  test("contexts: duplicate attributes refused before sending, create, edit, delete", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/settings/contexts");
    await page.getByRole("heading", { name: "Contexts", exact: true }).waitFor();
    await page.getByLabel("Key").fill("device");
    await page.getByLabel("Description", { exact: true }).first().fill("The device evaluating");
    for (let i = 0; i < 2; i++) {
      await page.getByRole("button", { name: "Add attribute" }).click();
      await page.locator(`#attr-${i}-name`).fill("os");
    }
    await page.getByRole("button", { name: "Create context" }).click();
    await page.getByText('"os" is listed twice.').waitFor();
    await page.locator("#attr-1-name").fill("version");
    await page.locator("#attr-1-type").selectOption("semver");
    await page.locator("#attr-0-values").fill("ios, android");
    await submit(page, page.getByRole("button", { name: "Create context" }));
    await page.getByText("Context device created.").waitFor();
    const table = page.getByRole("table", { name: "Attributes of device" });
    expect(await table.locator("tbody tr").allInnerTexts()).toEqual(["os\tstring\t\tios, android", "version\tsemver\t\t"]);

    await page.getByRole("link", { name: "Edit device" }).click();
    await page.getByRole("heading", { name: "Edit device" }).waitFor();
    await page.getByRole("button", { name: "Remove attribute version" }).click();
    await submit(page, page.getByRole("button", { name: "Save context" }));
    await page.getByText("Context device saved.").waitFor();
    await page.reload();
    expect(await page.getByRole("table", { name: "Attributes of device" }).locator("tbody tr").count()).toBe(1);

    await confirmDelete(page, "device");
    await page.locator('li[data-context="device"]').waitFor({ state: "detached" });
    await context.close();
  });

  test("segments: a segment made here targets users through OFREP, shows its flag, is refused deletion while used", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/settings/segments");
    await page.getByRole("heading", { name: "Segments", exact: true }).waitFor();
    await page.getByLabel("Key", { exact: true }).fill("nl_users");
    await page.getByLabel("Name").fill("Dutch users");
    await page.getByRole("button", { name: "Add conditions" }).click();
    // The team's context attributes are suggested for the attribute.
    const attribute = page.getByLabel("Segment group 1 condition 1 attribute");
    const suggestions = page.locator(`datalist[id="${await attribute.getAttribute("list")}"] option`);
    expect(await suggestions.evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual(["email", "plan", "role", "targetingKey"]);
    // The builder's own check: a condition needs its value.
    await attribute.fill("country");
    await page.getByRole("button", { name: "Create segment" }).click();
    await page.getByText("Group 1, condition 1: Enter a value.").waitFor();
    await page.getByLabel("Segment group 1 condition 1 value").fill("NL");
    await page.getByLabel("Always included (targeting keys)").fill("vip-1\nvip-2");
    await submit(page, page.getByRole("button", { name: "Create segment" }));
    await page.getByText("Segment nl_users created.").waitFor();
    expect(await cellTexts(page, 'tr[data-segment="nl_users"]'))
      .toEqual(["nl_users", "Dutch users", "2 included · 1 condition in 1 group", "No flag"]);

    // dark_mode in development serves "on" to the segment only.
    const { feature } = await adminGraphQL<{ feature: { stages: { id: string; environment: { key: string } }[] } }>(stack.adminUrl, "teamadmin",
      `query($id: ID!) { feature(id: $id) { stages { id environment { key } } } }`, { id: DARK_MODE_ID });
    const stageId = feature.stages.find((s) => s.environment.key === "development")!.id;
    await adminGraphQL(stack.adminUrl, "teamadmin", `mutation($stageId: ID!, $rules: [RuleInput!]!) { setStageRules(stageId: $stageId, rules: $rules) { id } }`, {
      stageId, rules: [{ name: "Dutch", match: [{ operator: "and", conditions: [{ attribute: "targetingKey", operator: "in_segment", value: ["nl_users"] }] }], serve: { kind: "variant", variant: "on" } }],
    });
    const dutch = await ofrepUntil(stack.baseUrl, DEVELOPMENT_SECRET, "dark_mode", { targetingKey: "u-nl", country: "NL" }, (b) => b.reason === "TARGETING_MATCH");
    expect(dutch).toMatchObject({ value: true, variant: "on", reason: "TARGETING_MATCH" });
    expect(await ofrepUntil(stack.baseUrl, DEVELOPMENT_SECRET, "dark_mode", { targetingKey: "vip-2", country: "DE" }, (b) => b.value === true)).toMatchObject({ value: true, variant: "on" });
    expect(await ofrepUntil(stack.baseUrl, DEVELOPMENT_SECRET, "dark_mode", { targetingKey: "u-de", country: "DE" }, (b) => b.value === false)).toMatchObject({ value: false, variant: "off" });

    await page.reload();
    const usedBy = page.getByRole("list", { name: "Flags using nl_users" });
    expect(await usedBy.getByRole("link").allInnerTexts()).toEqual(["dark_mode"]);

    // Edit: Belgium instead; the Dutch user falls through to the default.
    await page.getByRole("link", { name: "Edit nl_users" }).click();
    await page.getByRole("heading", { name: "Edit nl_users" }).waitFor();
    expect(await page.getByLabel("Key", { exact: true }).getAttribute("readonly")).toBe("");
    await page.getByLabel("Segment group 1 condition 1 value").fill("BE");
    await submit(page, page.getByRole("button", { name: "Save segment" }));
    await page.getByText("Segment Dutch users saved.").waitFor();
    expect(await ofrepUntil(stack.baseUrl, DEVELOPMENT_SECRET, "dark_mode", { targetingKey: "u-nl", country: "NL" }, (b) => b.value === false)).toMatchObject({ value: false });
    expect(await ofrepUntil(stack.baseUrl, DEVELOPMENT_SECRET, "dark_mode", { targetingKey: "u-be", country: "BE" }, (b) => b.value === true)).toMatchObject({ value: true, reason: "TARGETING_MATCH" });

    const refused = await confirmDelete(page, "nl_users");
    await refused.getByRole("alert").waitFor();
    expect(await refused.getByRole("alert").innerText()).toBe("Segment nl_users is still used by rules of dark_mode; change those rules first");
    await refused.getByRole("button", { name: "Cancel" }).click();

    await adminGraphQL(stack.adminUrl, "teamadmin", `mutation($stageId: ID!) { setStageRules(stageId: $stageId, rules: []) { id } }`, { stageId });
    await page.reload();
    await confirmDelete(page, "nl_users");
    await page.locator('tr[data-segment="nl_users"]').waitFor({ state: "detached" });
    await context.close();
  }, 120_000);

  test("import and export: a downloaded file, a preview of new and existing keys, each feature's outcome", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/settings/import-export");
    await page.getByRole("heading", { name: "Import and export" }).waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Download all features" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^fluxgate-features-acme-\d{4}-\d{2}-\d{2}\.json$/);
    const exported = JSON.parse(readFileSync((await download.path())!, "utf8")) as { format: string; features: { key: string; type: string }[] };
    expect(exported.format).toBe("fluxgate.features/v1");
    expect(exported.features.map((f) => f.key)).toEqual(["BetaUsers", "checkout_button_text", "dark_mode", "homepage_layout", "legacy_search", "max_upload_mb", "new_checkout_flow"]);

    // Not an export: refused before anything is sent.
    const fileInput = page.getByLabel("Export file");
    await fileInput.setInputFiles({ name: "notes.json", mimeType: "application/json", buffer: Buffer.from(`{"hello":1}`) });
    await page.getByText('Unknown format null: expected "fluxgate.features/v1" (a file from Export).').waitFor();

    const darkMode = exported.features.find((f) => f.key === "dark_mode")!;
    const file = { ...exported, features: [darkMode, { ...darkMode, key: "dark_mode_copy" }, { ...darkMode, key: "9-not-a-key" }] };
    await fileInput.setInputFiles({ name: "three.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(file)) });
    await page.getByText("2 new, 1 already in the team (will be skipped).").waitFor();
    await submit(page, page.getByRole("button", { name: "Import features" }));
    await page.getByRole("heading", { name: "Imported: 1 created, 1 skipped, 1 failed" }).waitFor();
    const rows = page.getByRole("table", { name: "Import results" }).locator("tbody tr");
    expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute("data-import"), tr.querySelectorAll("td")[1]!.textContent]))).toEqual([
      ["dark_mode", "skipped"], ["dark_mode_copy", "created"], ["9-not-a-key", "failed"],
    ]);
    expect(await page.locator('tr[data-import="9-not-a-key"] .error').innerText()).toMatch(/key/i);
    await page.getByRole("link", { name: "dark_mode_copy" }).click();
    await page.getByRole("heading", { name: "dark_mode_copy" }).waitFor();
    await context.close();
  });

  test("every configuration screen: no serious or critical axe violation; screenshots light and dark", async () => {
    const screens = [
      ["settings-environments", "/settings/environments"], ["settings-pipelines", "/settings/pipelines"],
      ["settings-contexts", "/settings/contexts"], ["settings-segments", "/settings/segments"],
      ["settings-import-export", "/settings/import-export"],
    ] as const;
    const problems: string[] = [];
    for (const [scheme, width] of [["light", 1280], ["dark", 1280], ["dark", 375]] as const) {
      const session = await signIn(browser, stack.consoleUrl, "teamadmin", { colorScheme: scheme, width });
      for (const [name, url] of screens) {
        await session.page.goto(url);
        await session.page.waitForLoadState("networkidle");
        problems.push(...await auditScreen(session.page, `${name} (${scheme}, ${width}px)`, `${name}-${scheme}-${width}`));
      }
      // The open delete dialog and an edit form with the condition builder, too.
      await session.page.goto("/settings/segments");
      await session.page.getByRole("link", { name: "Edit beta_testers" }).click();
      await session.page.getByRole("heading", { name: "Edit beta_testers" }).waitFor();
      await session.page.getByRole("button", { name: "Delete beta_testers" }).click();
      await session.page.getByRole("dialog").waitFor();
      problems.push(...await auditScreen(session.page, `segment dialog (${scheme}, ${width}px)`, `settings-segment-edit-${scheme}-${width}`));
      await session.context.close();
    }
    expect(problems).toEqual([]);
  }, 240_000);
});
