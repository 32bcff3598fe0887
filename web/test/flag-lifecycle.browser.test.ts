// Flag lifecycle on the flag page in Debian's Chromium against the real local stack (`npm run dev`):
// edit and delete a variant (the API's refusal for a variant in use shown in the dialog), delete
// refused while another flag requires this one, archive, then delete back to the list; axe with
// screenshots in light and dark with a confirmation dialog open.
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { adminGraphQL, auditScreen, browser, signIn, stack, withStackAndBrowser } from "./support";

const TEAM_ID = "00000000-0000-4000-8000-0000000000a1";
const PIPELINE_ID = "00000000-0000-4000-8000-0000000000b0";

const gql = <T>(query: string, variables: Record<string, unknown> = {}) => adminGraphQL<T>(stack.adminUrl, "teamadmin", query, variables);

async function createFlag(input: Record<string, unknown>): Promise<string> {
  const { createFeature } = await gql<{ createFeature: { id: string } }>(`mutation($input: CreateFeatureInput!) { createFeature(input: $input) { id } }`,
    { input: { teamId: TEAM_ID, pipelineId: PIPELINE_ID, ...input } });
  return createFeature.id;
}

/** Opens the confirmation dialog behind `opener`, confirms, and returns the dialog. */
async function confirm(page: Page, opener: string, confirmLabel: string) {
  await page.getByRole("button", { name: opener, exact: true }).click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: confirmLabel }).click();
  return dialog;
}

withStackAndBrowser();

describe("flag lifecycle", () => {
  test("variants: edit value and description; a variant in use cannot be deleted, an unused one can", async () => {
    // Every stage's default is the first variant (blue): blue is in use, green is not.
    const id = await createFlag({ key: "lc_colour", type: "STRING", variants: [{ key: "blue", value: '"#00f"' }, { key: "green", value: '"#0f0"' }] });
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto(`/flags/${id}`);
    const variants = page.locator("section", { has: page.getByRole("heading", { name: "Variants" }) });

    await page.locator('summary[aria-label="Edit variant green"]').click();
    await page.getByLabel("Value of green (JSON)").fill('"#0a0"');
    await page.getByLabel("Description of green").fill("Calmer green");
    await page.getByRole("button", { name: "Save variant", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Variant green saved." }).waitFor();
    await variants.getByText('"#0a0"', { exact: true }).waitFor();
    await variants.getByText("· Calmer green").waitFor();

    const refused = await confirm(page, "Delete variant blue", "Delete variant");
    const alert = refused.getByRole("alert");
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/blue/);
    await refused.getByRole("button", { name: "Cancel" }).click();
    await expect.poll(() => page.getByRole("dialog").count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Delete variant blue");

    await confirm(page, "Delete variant green", "Delete variant");
    await expect.poll(() => variants.locator("li > span.mono").allInnerTexts()).toEqual(["blue"]);
    await context.close();
  });

  test("delete is refused while another flag requires it; archive; then delete, sent while a live re-read loads, returns to the list under its URL", async () => {
    const id = await createFlag({ key: "lc_parent", type: "BOOLEAN" });
    const child = await createFlag({ key: "lc_child", type: "BOOLEAN" });
    await gql(`mutation($input: SetFeaturePrerequisiteInput!) { setFeaturePrerequisite(input: $input) { id } }`, { input: { featureId: child, requiredFeatureId: id } });
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto(`/flags/${id}`);

    const refused = await confirm(page, "Delete lc_parent", "Delete flag");
    const alert = refused.getByRole("alert");
    await alert.waitFor();
    expect(await alert.innerText()).toMatch(/lc_child/);
    await refused.getByRole("button", { name: "Cancel" }).click();

    await confirm(page, "Archive lc_parent", "Archive flag");
    await page.getByText(/^lc_parent · boolean · archived · version \d+$/).waitFor();
    expect(await page.getByRole("button", { name: "Archive lc_parent" }).count()).toBe(0);

    // Deleting while the page re-reads its data after a live change lands on the list, under its URL.
    // The re-read is held until the delete has answered (at most 3 s) and the list's data then takes
    // 1 s: sent during the re-read, the delete's redirect rendered the list under /flags/<deleted id>
    // (React Router 6; see use-refresh.ts). The console holds the delete until the re-read is done.
    const reread = `/flags/${id}.data`;
    let deleteAnswered!: () => void;
    const answered = new Promise<void>((resolve) => { deleteAnswered = resolve; });
    page.on("response", (r) => { if (r.request().method() === "POST" && new URL(r.url()).pathname === reread) deleteAnswered(); });
    await page.route((url) => url.pathname === reread, async (route) => {
      if (route.request().method() === "GET") await Promise.race([answered, new Promise((r) => setTimeout(r, 3_000))]);
      await route.fallback();
    });
    await page.route((url) => url.pathname === "/flags.data", async (route) => {
      await new Promise((r) => setTimeout(r, 1_000));
      await route.fallback();
    });
    const rereading = page.waitForRequest((r) => r.method() === "GET" && new URL(r.url()).pathname === reread, { timeout: 15_000 });
    await gql(`mutation($f: ID!, $r: ID!) { removeFeaturePrerequisite(featureId: $f, requiredFeatureId: $r) { id } }`, { f: child, r: id });
    const reread1 = await rereading;
    await confirm(page, "Delete lc_parent", "Delete flag");
    await page.waitForURL(/\/flags\?deleted=lc_parent$/);
    await (await reread1.response())?.finished();
    await page.getByRole("heading", { name: "Flags", exact: true }).waitFor();
    expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe("/flags?deleted=lc_parent");
    await page.getByRole("status").filter({ hasText: "Flag lc_parent deleted." }).waitFor();
    const { features } = await gql<{ features: { nodes: { key: string }[] } }>(`query($t: ID!) { features(teamId: $t, first: 100, filter: { includeArchived: true }) { nodes { key } } }`, { t: TEAM_ID });
    expect(features.nodes.map((f) => f.key)).not.toContain("lc_parent");
    await context.close();
  });

  test("axe: the flag page and its delete dialog have no serious violation, light and dark", async () => {
    const id = await createFlag({ key: "lc_audit", type: "STRING", variants: [{ key: "a", value: '"A"' }] });
    const problems: string[] = [];
    for (const scheme of ["light", "dark"] as const) {
      const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin", { colorScheme: scheme });
      await page.goto(`/flags/${id}`);
      await page.waitForLoadState("networkidle");
      await page.locator('summary[aria-label="Edit variant a"]').click();
      problems.push(...await auditScreen(page, `flag page (${scheme})`, `flag-lifecycle-page-${scheme}`));
      await page.getByRole("button", { name: "Delete lc_audit", exact: true }).click();
      await page.getByRole("dialog").waitFor();
      problems.push(...await auditScreen(page, `delete dialog (${scheme})`, `flag-lifecycle-delete-${scheme}`));
      await context.close();
    }
    expect(problems).toEqual([]);
  });
});
