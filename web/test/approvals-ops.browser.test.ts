// The approvals inbox's apply, cancel and admin override, and rescheduling a flag's scheduled change,
// in Debian's Chromium against the real local stack; axe light and dark, screenshots.
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { adminGraphQL, auditScreen, auditScreens, browser, signIn, stack, submit, withStackAndBrowser } from "./support";

const TEAM_ID = "00000000-0000-4000-8000-0000000000a1";
const DAY = 24 * 3600_000;

withStackAndBrowser();

const gql = <T>(login: string, query: string, variables: Record<string, unknown> = {}) => adminGraphQL<T>(stack.adminUrl, login, query, variables);

type Feature = { id: string; key: string; stages: { id: string; status: string; environment: { key: string } }[] };

async function feature(key: string): Promise<Feature> {
  const data = await gql<{ features: { nodes: Feature[] } }>("teamadmin",
    `query($t:ID!){ features(teamId:$t, first:100){ nodes { id key stages { id status environment { key } } } } }`, { t: TEAM_ID });
  return data.features.nodes.find((f) => f.key === key)!;
}

async function requestStatus(id: string): Promise<string> {
  const data = await gql<{ approvalRequests: { nodes: { id: string; status: string }[] } }>("teamadmin",
    `query($t:ID!){ approvalRequests(teamId:$t, first:100){ nodes { id status } } }`, { t: TEAM_ID });
  return data.approvalRequests.nodes.find((r) => r.id === id)!.status;
}

const card = (page: Page, id: string) => page.locator(`li[data-request="${id}"]`);

/** "YYYY-MM-DD" of the UTC day `days` from now. */
const dayFromNow = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);
/** The flag page's "When (UTC)" text of an instant. */
const utcText = (iso: string) => new Date(iso).toLocaleString("en-GB", { timeZone: "UTC" });

describe("approvals and scheduled changes", () => {
  test("a scheduled change is rescheduled from its row: checked first, then moved to the exact new time", async () => {
    const flag = await feature("max_upload_mb");
    // Tokyo has no daylight saving: 14:30 there is 05:30 UTC on the same day, all year.
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin", { timezoneId: "Asia/Tokyo" });
    await page.goto(`/flags/${flag.id}`);
    const section = page.getByRole("region", { name: "Scheduled changes" });
    await section.getByLabel("Change", { exact: true }).selectOption("enable");
    await section.getByLabel("Run at (Asia/Tokyo)").fill(`${dayFromNow(10)}T09:15`);
    await submit(page, section.getByRole("button", { name: "Schedule" }));
    // An enable runs in the feature's first environment.
    const row = section.getByRole("row").filter({ hasText: "enable ·" });
    await row.getByText(utcText(`${dayFromNow(10)}T00:15:00Z`)).waitFor();

    // By keyboard: open the disclosure, the current time is prefilled in the browser's zone.
    await row.getByRole("button", { name: "Cancel the scheduled enable" }).focus();
    await page.keyboard.press("Tab");
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toMatch(/^Reschedule the enable · /);
    await page.keyboard.press("Enter");
    const form = row.getByRole("form", { name: /^Reschedule the enable · / });
    const time = form.getByLabel("New time (Asia/Tokyo)");
    expect(await time.inputValue()).toBe(`${dayFromNow(10)}T09:15`);

    // The API's rules before anything is sent: in the future, at most a year ahead.
    let posts = 0;
    page.on("request", (r) => { if (r.method() === "POST") posts += 1; });
    await time.fill(`${dayFromNow(-1)}T09:15`);
    await form.getByRole("button", { name: "Save new time" }).click();
    const problem = form.getByRole("alert");
    await problem.filter({ hasText: "must be in the future" }).waitFor();
    expect(await problem.textContent()).toBe("must be in the future");
    expect(await time.getAttribute("aria-invalid")).toBe("true");
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("name"))).toBe("scheduledAt");
    await time.fill(`${dayFromNow(370)}T09:15`);
    await form.getByRole("button", { name: "Save new time" }).click();
    await problem.filter({ hasText: "at most a year ahead" }).waitFor();
    expect(await problem.textContent()).toBe("at most a year ahead");
    expect(posts).toBe(0);

    await time.fill(`${dayFromNow(40)}T14:30`);
    await submit(page, form.getByRole("button", { name: "Save new time" }));
    await row.getByText(utcText(`${dayFromNow(40)}T05:30:00Z`)).waitFor();
    expect(await row.getByText("chosen in Asia/Tokyo").count()).toBe(1);
    // The disclosure closed; its summary has the focus back and a status line says so.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toMatch(/^Reschedule the enable · /);
    expect(await section.getByRole("status").filter({ hasText: "Rescheduled." }).count()).toBe(1);
    const { scheduledChanges } = await gql<{ scheduledChanges: { action: string; status: string; runAt: string; timezone: string }[] }>("teamadmin",
      `query($t:ID!,$f:ID!){ scheduledChanges(teamId:$t, featureId:$f){ action status runAt timezone } }`, { t: TEAM_ID, f: flag.id });
    expect(scheduledChanges).toEqual([{ action: "enable", status: "pending", runAt: `${dayFromNow(40)}T05:30:00.000Z`, timezone: "Asia/Tokyo" }]);
    await context.close();
  }, 120_000);

  test("the requester cancels after confirming; a team admin overrides (reason first), then applies past a freeze", async () => {
    const { team } = await gql<{ team: { environments: { id: string; key: string }[] } }>("teamadmin",
      `query($t:ID!){ team(id:$t){ environments { id key } } }`, { t: TEAM_ID });
    const production = team.environments.find((e) => e.key === "production")!.id;
    await gql("teamadmin", `mutation($i:CreateApprovalPolicyInput!){ createApprovalPolicy(input:$i){ id } }`, { i: {
      teamId: TEAM_ID, name: "Two approvers, override allowed", appliesTo: "production_only", requiredApprovals: 2,
      eligibleRoles: ["approver", "team_admin"], allowAdminOverride: true,
    } });
    // A deployed stage is asked to roll back, another to deploy: either needs the policy's approvals.
    const ask = async (key: string) => {
      const stage = (await feature(key)).stages.find((s) => s.environment.key === "production")!;
      const change = stage.status === "DEPLOYED" ? "requestRollback" : "requestDeploy";
      const data = await gql<Record<string, { request: { id: string } | null }>>("requester", `mutation($s:ID!){ ${change}(stageId:$s){ request { id } } }`, { s: stage.id });
      return data[change]!.request!.id;
    };
    const cancelled = await ask("dark_mode");
    const overridden = await ask("legacy_search");

    // The requester cancels their own request, behind a confirmation; no override of their own request.
    const requester = await signIn(browser, stack.consoleUrl, "requester");
    await requester.page.goto("/approvals?view=requested&status=pending");
    expect(await card(requester.page, overridden).getByText("Admin override").count()).toBe(0);
    await card(requester.page, cancelled).getByRole("button", { name: "Cancel request" }).click();
    const dialog = requester.page.getByRole("dialog", { name: "Cancel this request?" });
    await submit(requester.page, dialog.getByRole("button", { name: "Cancel the request" }));
    expect(await requestStatus(cancelled)).toBe("cancelled");
    await card(requester.page, cancelled).waitFor({ state: "detached" });
    await requester.context.close();

    // A freeze window holds production from now on.
    const now = Date.now();
    await gql("teamadmin", `mutation($i:CreateFreezeWindowInput!){ createFreezeWindow(input:$i){ id } }`, { i: {
      teamId: TEAM_ID, name: "Launch freeze", environmentId: production,
      startsAt: new Date(now - 60_000).toISOString(), endsAt: new Date(now + 3_600_000).toISOString(),
    } });

    const admin = await signIn(browser, stack.consoleUrl, "teamadmin");
    await admin.page.goto("/approvals?view=all&status=pending");
    const item = card(admin.page, overridden);
    await item.getByText("Admin override").click();
    const override = item.getByRole("form", { name: "Admin override" });
    let posts = 0;
    admin.page.on("request", (r) => { if (r.method() === "POST") posts += 1; });
    await override.getByRole("button", { name: "Approve alone" }).click();
    await override.getByText("an admin override needs a reason").waitFor();
    expect(await override.getByLabel("Reason", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(posts).toBe(0);
    // axe with the override form open and its problem shown (the axe test's inbox has no open request left).
    const problems = await auditScreen(admin.page, "approvals override", "approvals-override-light-1280");
    await override.getByLabel("Reason", { exact: true }).fill("Release blocker, approver away");
    await submit(admin.page, override.getByRole("button", { name: "Approve alone" }));
    // Approved, but the freeze holds the change back.
    expect(await requestStatus(overridden)).toBe("approved");

    // Applying needs a freeze override reason: the API's refusal is shown in the form.
    await admin.page.goto("/approvals?view=all&status=approved");
    const apply = card(admin.page, overridden).getByRole("form", { name: "Apply the approved change" });
    await submit(admin.page, apply.getByRole("button", { name: "Apply now" }));
    await apply.getByText(/is frozen by "Launch freeze" until .*; a team admin may override with a reason/).waitFor();
    expect(await requestStatus(overridden)).toBe("approved");
    problems.push(...await auditScreen(admin.page, "approvals apply", "approvals-apply-light-1280"));
    expect(problems).toEqual([]);
    await apply.getByLabel(/Freeze override reason/).fill("Hotfix agreed with release management");
    await submit(admin.page, apply.getByRole("button", { name: "Apply now" }));
    expect(await requestStatus(overridden)).toBe("applied");
    await admin.context.close();
  }, 120_000);

  test("no serious axe violation, light and dark", async () => {
    const flag = await feature("max_upload_mb");
    const screens = [["approvals-all", "/approvals?view=all"], ["flag-scheduled-changes", `/flags/${flag.id}`]] as const;
    const problems = await auditScreens(browser, stack.consoleUrl, "teamadmin", screens, [["light", 1280], ["dark", 1280]], async (page, label) => {
      // The reschedule form open, on the flag page (the last screen).
      await page.getByText("Reschedule", { exact: true }).first().click();
      return auditScreen(page, `reschedule (${label})`, `flag-reschedule-${label}`);
    });
    expect(problems).toEqual([]);
  }, 180_000);
});
