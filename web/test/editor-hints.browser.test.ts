// The editors' hints in Debian's Chromium against the real local stack: the condition builder (flag
// rules and segments) suggests the attributes a context defines, with their type and suggested
// values, and the rule saved from them targets users through OFREP; an experiment template's split
// is edited, refused when it does not sum to 100 %, saved and read back exactly; axe light and dark.
import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";
import { adminGraphQL, auditScreens, browser, DEVELOPMENT_SECRET, ofrepUntil, signIn, stack, submit, withStackAndBrowser } from "./support";

const TEAM_ID = "00000000-0000-4000-8000-0000000000a1";
const PIPELINE_ID = "00000000-0000-4000-8000-0000000000b0";
const DEVELOPMENT_ID = "00000000-0000-4000-8000-0000000000e1";
const FLAG_KEY = "loyalty_banner";

let flagId = "";
let templateId = "";

withStackAndBrowser();

beforeAll(async () => {
  // A context defining an attribute the demo data does not have, with suggested values.
  await gql(`mutation($input: CreateContextInput!) { createContext(input: $input) { id } }`, { input: {
    teamId: TEAM_ID, key: "loyalty", description: "Loyalty programme",
    attributes: [{ name: "tier", type: "string", values: ["bronze", "silver", "gold"] }, { name: "points", type: "number", values: ["100", "1000"] }],
  } });
  const { createFeature } = await gql<{ createFeature: { id: string } }>(`mutation($input: CreateFeatureInput!) { createFeature(input: $input) { id } }`,
    { input: { teamId: TEAM_ID, pipelineId: PIPELINE_ID, key: FLAG_KEY, type: "BOOLEAN" } });
  flagId = createFeature.id;
});

function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  return adminGraphQL<T>(stack.adminUrl, "teamadmin", query, variables);
}

/** The values (and labels) of the datalist an input suggests from. */
async function suggestions(page: Page, input: Locator): Promise<string[][]> {
  const list = await input.getAttribute("list");
  expect(list).not.toBeNull();
  return page.locator(`datalist[id="${list}"] option`).evaluateAll((os) => os.map((o) => [(o as HTMLOptionElement).value, (o as HTMLOptionElement).label]));
}

describe("editor hints", () => {
  test("the flag editor suggests a context's attribute and its values; the rule built from them targets users through OFREP", async () => {
    const { page, context } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto(`/flags/${flagId}?env=development`);
    await page.getByRole("heading", { name: FLAG_KEY }).waitFor();
    await page.getByRole("button", { name: "Add rule" }).click();
    await page.getByRole("button", { name: "Add conditions" }).click();
    const attribute = page.getByLabel("Rule 1 group 1 condition 1 attribute");
    // Every attribute of the team's contexts (the demo's user context and ours), by name, with its type.
    expect(await suggestions(page, attribute)).toEqual([
      ["email", "string"], ["plan", "string"], ["points", "number"], ["role", "string"], ["targetingKey", "string"], ["tier", "string"],
    ]);
    await attribute.fill("tier");
    await page.getByText("string · suggested: bronze, silver, gold").waitFor();
    expect(await attribute.getAttribute("aria-describedby")).not.toBeNull();

    const value = page.getByLabel("Rule 1 group 1 condition 1 value");
    expect(await suggestions(page, value)).toEqual([["bronze", "bronze"], ["silver", "silver"], ["gold", "gold"]]);
    // A list: after "gold, " each suggestion appends one value not listed yet; picking one fills it in.
    await page.getByLabel("Rule 1 group 1 condition 1 operator").selectOption({ label: "is one of" });
    await value.fill("gold, ");
    const offered = await suggestions(page, value);
    expect(offered).toEqual([["gold, bronze", "bronze"], ["gold, silver", "silver"]]);
    await value.fill(offered[1]![0]!);
    await page.getByLabel("Variant served by Rule 1").selectOption("on");
    await submit(page, page.getByRole("button", { name: "Save rules" }));
    await page.getByText("Rules saved.").waitFor();

    const { feature } = await gql<{ feature: { stages: { environment: { key: string }; rules: { match: unknown }[] }[] } }>(
      `query($id: ID!) { feature(id: $id) { stages { environment { key } rules { match { operator conditions { attribute operator value } } } } } }`, { id: flagId });
    expect(feature.stages.find((s) => s.environment.key === "development")!.rules.map((r) => r.match)).toEqual([
      [{ operator: "and", conditions: [{ attribute: "tier", operator: "in", value: ["gold", "silver"] }] }],
    ]);

    await page.getByRole("button", { name: "Request deploy to Development" }).click();
    await page.getByRole("button", { name: "Request rollback in Development" }).waitFor();
    const silver = await ofrepUntil(stack.baseUrl, DEVELOPMENT_SECRET, FLAG_KEY, { targetingKey: "u-1", tier: "silver" }, (b) => b.value === true);
    expect(silver).toMatchObject({ value: true, variant: "on", reason: "TARGETING_MATCH" });
    const bronze = await ofrepUntil(stack.baseUrl, DEVELOPMENT_SECRET, FLAG_KEY, { targetingKey: "u-1", tier: "bronze" }, () => true);
    expect(bronze).toMatchObject({ value: false, variant: "off", reason: "DEFAULT" });

    // The segments editor is the same builder, with the same suggestions.
    await page.goto("/settings/segments");
    await page.getByRole("button", { name: "Add conditions" }).click();
    await page.getByLabel("Segment group 1 condition 1 attribute").fill("points");
    await page.getByText("number · suggested: 100, 1000").waitFor();
    await page.getByLabel("Segment group 1 condition 1 operator").selectOption({ label: "≥ (number)" });
    expect(await suggestions(page, page.getByLabel("Segment group 1 condition 1 value"))).toEqual([["100", "100"], ["1000", "1000"]]);
    await context.close();
  });

  test("an experiment template's split: refused unless it sums to 100 %, saved as 70/30 and read back exactly", async () => {
    const { page, context } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/settings/templates");
    await page.getByLabel("Name", { exact: true }).fill("Loyalty split");
    // Not an experiment: no split to edit.
    expect(await page.getByRole("group", { name: "Experiment split" }).count()).toBe(0);
    await page.getByLabel("Type", { exact: true }).selectOption("experiment");
    const split = page.getByRole("group", { name: "Experiment split" });
    await split.getByRole("status").getByText("Equal shares of the feature's variants.").waitFor();
    await split.getByRole("button", { name: "Add variant" }).click();
    await split.getByLabel("Variant 1", { exact: true }).fill("on");
    await split.getByLabel("Share of on (%)").fill("70");
    await split.getByRole("status").getByText("Total 70%, 30% left to assign.").waitFor();
    await split.getByRole("button", { name: "Add variant" }).click();
    await split.getByLabel("Variant 2", { exact: true }).fill("off");
    await split.getByLabel("Share of off (%)").fill("20");
    await split.getByRole("status").getByText("Total 90%, 10% left to assign.").waitFor();
    // Refused before submitting, next to the split, focus on its first share.
    await page.getByRole("button", { name: "Create template" }).click();
    await split.getByRole("alert").getByText("The shares sum to 90%; they must sum to 100% (everyone).").waitFor();
    expect(await page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("weights");
    await split.getByLabel("Share of off (%)").fill("30");
    await split.getByRole("status").getByText("Total 100%: everyone is assigned.").waitFor();
    await submit(page, page.getByRole("button", { name: "Create template" }));
    await page.getByText("Template Loyalty split created.").waitFor();
    await expect.poll(() => page.locator('tr[data-template="Loyalty split"]').innerText()).toContain("split on 70% · off 30%");

    const { rolloutTemplates } = await gql<{ rolloutTemplates: { id: string; name: string; type: string; defaults: unknown }[] }>(
      `query($t: ID!) { rolloutTemplates(teamId: $t) { id name type defaults } }`, { t: TEAM_ID });
    const saved = rolloutTemplates.find((t) => t.name === "Loyalty split")!;
    templateId = saved.id;
    expect(saved).toMatchObject({ type: "experiment", defaults: { weights: [{ variant: "on", weight: 70_000 }, { variant: "off", weight: 30_000 }] } });

    // Editing shows the split as saved.
    await page.getByRole("link", { name: "Edit Loyalty split" }).click();
    await page.getByRole("heading", { name: "Edit Loyalty split" }).waitFor();
    const edit = page.getByRole("group", { name: "Experiment split" });
    expect([await edit.getByLabel("Variant 1", { exact: true }).inputValue(), await edit.getByLabel("Share of on (%)").inputValue(),
      await edit.getByLabel("Variant 2", { exact: true }).inputValue(), await edit.getByLabel("Share of off (%)").inputValue()]).toEqual(["on", "70", "off", "30"]);

    // The preview on the flag writes exactly that split.
    await page.goto(`/settings/templates?${new URLSearchParams({ template: templateId, feature: flagId, env: DEVELOPMENT_ID })}`);
    const plan = page.locator('tr[data-plan="development"]');
    await plan.waitFor();
    expect(await plan.innerText()).toContain("template: experiment: split on 70% · off 30%");
    await context.close();
  });

  test("axe: no serious or critical violation on the hinted editors, light and dark; screenshots", async () => {
    const screens = [
      ["editor-hints-flag", `/flags/${flagId}?env=development`],
      ["editor-hints-template", `/settings/templates?edit=${encodeURIComponent(templateId)}`],
      ["editor-hints-segments", "/settings/segments"],
    ] as const;
    const problems = await auditScreens(browser, stack.consoleUrl, "teamadmin", screens, [["light", 1280], ["dark", 1280]]);
    expect(problems).toEqual([]);
  }, 120_000);
});
