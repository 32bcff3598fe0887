// Settings, people and access, in Debian's Chromium against the real local stack: the Settings frame
// by role, teams, users and memberships (a new user signs in with the temporary password and must
// change it), custom roles, automation tokens (a revoked token is refused by /graphql) and the
// account (a revoked session is signed out); checks before submit, the API's refusals, confirmations,
// axe in light and dark, and screenshots.
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { browser, PASSWORD, SCREENSHOT_DIR, seriousViolations, signIn, stack, withStackAndBrowser } from "./support";

const TEAM_ID = "00000000-0000-4000-8000-0000000000a1";

withStackAndBrowser();

/** Counts the page's POSTs (form submissions) from now on. */
function countPosts(page: Page) {
  let posts = 0;
  page.on("request", (request) => { if (request.method() === "POST") posts++; });
  return () => posts;
}

/** Submits a form by its button and waits for its action's answer. */
async function send(page: Page, button: ReturnType<Page["getByRole"]>) {
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes("/settings/")),
    button.click(),
  ]);
}

/** Opens the confirmation of `opener`, checks it says `title`, then confirms with `confirm`. */
async function confirm(page: Page, opener: ReturnType<Page["getByRole"]>, title: string, confirmName: string) {
  await opener.click();
  const dialog = page.getByRole("dialog", { name: title });
  await dialog.waitFor();
  await send(page, dialog.getByRole("button", { name: confirmName }));
  return dialog;
}

async function graphqlWithToken(token: string, query: string) {
  const res = await fetch(`${stack.adminUrl}/graphql`, {
    method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ query }),
  });
  return (await res.json()) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

describe("settings: people and access", () => {
  test("the side nav lists every section; a viewer sees tokens and notifications as team admins only", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "viewer");
    await page.getByRole("link", { name: "Settings" }).click();
    await page.waitForURL(/\/settings$/);
    const nav = page.getByRole("navigation", { name: "Settings" });
    expect(await nav.getByRole("heading").allTextContents()).toEqual(["People & access", "Configuration", "Delivery & governance"]);
    expect(await nav.getByRole("link").allTextContents()).toEqual([
      "Settings", "Teams (read only)", "Users (read only)", "Roles (read only)", "Your account", "Notification preferences",
      "Security (read only)", "Environments (read only)", "Pipelines (read only)",
      "Contexts (read only)", "Segments (read only)", "Metrics (read only)", "Import & export (read only)", "Clients (read only)", "Approval policies (read only)",
      "Freeze windows (read only)", "Canary gates (read only)", "Rollout templates (read only)",
    ]);
    expect(await nav.locator("[aria-disabled='true']").allTextContents()).toEqual(["Automation tokens (Team admins only)", "Notifications (Team admins only)"]);
    // A viewer reads the members but gets no controls to change them.
    await nav.getByRole("link", { name: /^Users/ }).click();
    const members = page.getByRole("table", { name: "Members of Acme" });
    await members.waitFor();
    expect(await members.locator("tr[data-member]").count()).toBe(4);
    expect(await page.getByRole("button", { name: /Change role|Remove|Add member/ }).count()).toBe(0);
    await context.close();
  }, 60_000);

  test("teams: a system admin creates (checked first), renames, and deletes after confirming; a team admin renames theirs", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "admin");
    await page.goto("/settings/teams");
    const posts = countPosts(page);
    const create = page.getByRole("form", { name: "New team" });
    await create.getByRole("button", { name: "Create team" }).click();
    await create.getByText("is required").waitFor();
    expect(await create.getByLabel("Name").getAttribute("aria-invalid")).toBe("true");
    expect(posts()).toBe(0);

    await create.getByLabel("Name").fill("Payments");
    await create.getByLabel("Description").fill("Checkout and billing");
    await send(page, create.getByRole("button", { name: "Create team" }));
    const row = page.locator("tr[data-team='Payments']");
    await row.waitFor();
    expect(await row.textContent()).toContain("Checkout and billing");

    await row.getByText("Edit", { exact: true }).click();
    const edit = page.getByRole("form", { name: "Edit Payments" });
    await edit.getByLabel("Name").fill("Payments EU");
    await send(page, edit.getByRole("button", { name: "Save team" }));
    const renamed = page.locator("tr[data-team='Payments EU']");
    await renamed.waitFor();

    // Cancel keeps it; confirming deletes it.
    await renamed.getByRole("button", { name: "Delete Payments EU" }).click();
    const dialog = page.getByRole("dialog", { name: "Delete the team Payments EU?" });
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await renamed.isVisible()).toBe(true);
    await confirm(page, renamed.getByRole("button", { name: "Delete Payments EU" }), "Delete the team Payments EU?", "Delete team");
    await renamed.waitFor({ state: "detached" });
    await context.close();

    // A team admin renames their own team, and neither creates nor deletes teams.
    const tess = await signIn(browser, stack.consoleUrl, "teamadmin");
    await tess.page.goto("/settings/teams");
    const acme = tess.page.locator("tr[data-team='Acme']");
    await acme.getByText("Team admin").waitFor();
    expect(await tess.page.getByRole("button", { name: /^Delete / }).count()).toBe(0);
    expect(await tess.page.getByRole("form", { name: "New team" }).count()).toBe(0);
    for (const [from, to] of [["Acme", "Acme Corp"], ["Acme Corp", "Acme"]] as const) {
      await tess.page.locator(`tr[data-team='${from}']`).getByText("Edit", { exact: true }).click();
      const form = tess.page.getByRole("form", { name: `Edit ${from}` });
      await form.getByLabel("Name").fill(to);
      await send(tess.page, form.getByRole("button", { name: "Save team" }));
      await tess.page.locator(`tr[data-team='${to}']`).waitFor();
    }
    await tess.context.close();
  }, 90_000);

  test("users: created with a temporary password shown once, who must change it at sign-in; role changed, removed, disabled and enabled", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "admin");
    await page.goto("/settings/users");
    const posts = countPosts(page);
    const create = page.getByRole("form", { name: "New user" });
    await create.getByLabel("Username").fill("a");
    await create.getByLabel("Email").fill("not-an-email");
    await create.getByLabel("Temporary password").fill("short");
    await create.getByRole("button", { name: "Create user" }).click();
    await create.getByText("must be 2-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit").waitFor();
    await create.getByText("must be an email address").waitFor();
    await create.getByText("must be at least 12 characters long").waitFor();
    expect(posts()).toBe(0);

    // The API's refusal: the username is taken.
    await create.getByLabel("Username").fill("viewer");
    await create.getByLabel("Email").fill("someone-else@acme.test");
    await create.getByLabel("Temporary password").fill("");
    await send(page, create.getByRole("button", { name: "Create user" }));
    await create.getByRole("alert").filter({ hasText: "The username is taken" }).waitFor();

    await create.getByLabel("Username").fill("dana");
    await create.getByLabel("Email").fill("dana@acme.test");
    await create.getByLabel("Display name").fill("Dana Developer");
    await send(page, create.getByRole("button", { name: "Create user" }));
    const secret = create.getByTestId("secret");
    await secret.waitFor();
    const temporary = (await secret.inputValue())!;
    expect(temporary).toMatch(/^[a-km-np-zA-HJ-NP-Z2-9]{18}$/);
    await create.getByRole("button", { name: "Copy temporary password" }).waitFor();
    await page.locator("tr[data-user='dana']").getByText("temporary password").waitFor();

    // Add Dana to Acme as a requester.
    const add = page.getByRole("form", { name: "Add a member" });
    await add.getByLabel("Username or email").fill("dana@acme.test");
    await add.getByLabel("Role").selectOption("requester");
    await send(page, add.getByRole("button", { name: "Add member" }));
    const member = page.locator("tr[data-member='dana']");
    await member.waitFor();
    expect(await member.getByLabel("Role of dana", { exact: true }).inputValue()).toBe("requester");

    // Dana signs in with the temporary password and must change it first.
    const dana = await browser.newContext({ baseURL: stack.consoleUrl });
    const danaPage = await dana.newPage();
    await danaPage.goto("/login");
    await danaPage.getByLabel("Username or email").fill("dana");
    await danaPage.getByLabel("Password").fill(temporary);
    await danaPage.getByRole("button", { name: "Sign in" }).click();
    await danaPage.waitForURL(/\/password$/);
    await danaPage.goto("/settings/account");
    await danaPage.waitForURL(/\/password$/);
    await danaPage.getByLabel("Current password").fill(temporary);
    await danaPage.getByLabel(/^New password/).fill("dana-own-password-1");
    await danaPage.getByLabel("Repeat the new password").fill("dana-own-password-1");
    await danaPage.getByRole("button", { name: "Change password" }).click();
    await danaPage.waitForURL(/\/flags/);

    // Role change, then removal behind a confirmation.
    await member.getByLabel("Role of dana", { exact: true }).selectOption("approver");
    await send(page, member.getByRole("button", { name: "Change role" }));
    await page.reload();
    expect(await page.locator("tr[data-member='dana']").getByLabel("Role of dana", { exact: true }).inputValue()).toBe("approver");
    await confirm(page, page.getByRole("button", { name: "Remove dana" }), "Remove dana from Acme?", "Remove member");
    await page.locator("tr[data-member='dana']").waitFor({ state: "detached" });

    // The last team admin cannot be demoted: the API's refusal is shown at the form.
    const tess = page.locator("tr[data-member='teamadmin']");
    await tess.getByLabel("Role of teamadmin", { exact: true }).selectOption("viewer");
    await send(page, tess.getByRole("button", { name: "Change role" }));
    await tess.getByRole("alert").filter({ hasText: "A team needs at least one team admin; promote another member first" }).waitFor();

    // Disabling signs Dana out at once and refuses her sign-in; enabling lets her back.
    const user = page.locator("tr[data-user='dana']");
    await confirm(page, user.getByRole("button", { name: "Disable dana" }), "Disable dana?", "Disable user");
    await user.getByText("disabled", { exact: true }).waitFor();
    await danaPage.goto("/flags");
    await danaPage.waitForURL(/\/login/);
    await danaPage.getByLabel("Username or email").fill("dana");
    await danaPage.getByLabel("Password").fill("dana-own-password-1");
    await danaPage.getByRole("button", { name: "Sign in" }).click();
    await danaPage.getByText("Invalid username, email or password").waitFor();
    await send(page, user.getByRole("button", { name: "Enable" }));
    await user.getByText("enabled", { exact: true }).waitFor();
    await danaPage.getByLabel("Password").fill("dana-own-password-1");
    await danaPage.getByRole("button", { name: "Sign in" }).click();
    await danaPage.waitForURL(/\/flags/);
    await dana.close();
    await context.close();
  }, 120_000);

  test("custom roles: created, given a member, edited, member removed and deleted after confirming", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/settings/roles");
    await page.getByText("No custom roles yet.").waitFor();
    const create = page.getByRole("form", { name: "New custom role" });
    await create.getByRole("button", { name: "Create role" }).click();
    await create.getByText("is required").waitFor();
    await create.getByLabel("Name").fill("Security reviewers");
    await send(page, create.getByRole("button", { name: "Create role" }));
    const role = page.locator("li[data-role='Security reviewers']");
    await role.waitFor();
    await role.getByText("nothing yet: no approval policy names it.").waitFor();

    const assign = page.getByRole("form", { name: "Add a member to Security reviewers" });
    await assign.getByLabel("Member to add to Security reviewers").selectOption({ label: "Vic Viewer" });
    await send(page, assign.getByRole("button", { name: "Add to role" }));
    await role.getByRole("list", { name: "Members of Security reviewers" }).getByText("Vic Viewer").waitFor();

    await role.getByText("Edit", { exact: true }).click();
    const edit = page.getByRole("form", { name: "Edit Security reviewers" });
    await edit.getByLabel("Description").fill("Approve changes touching auth");
    await send(page, edit.getByRole("button", { name: "Save role" }));
    await role.getByText("Approve changes touching auth").waitFor();

    await confirm(page, role.getByRole("button", { name: "Remove Vic Viewer from Security reviewers" }), "Remove Vic Viewer from Security reviewers?", "Remove");
    await role.getByText("No members.").waitFor();
    await confirm(page, role.getByRole("button", { name: "Delete Security reviewers" }), "Delete the role Security reviewers?", "Delete role");
    await role.waitFor({ state: "detached" });
    await context.close();
  }, 60_000);

  test("automation tokens: the token is shown once and works; revoked after confirming, /graphql refuses it", async () => {
    const { context, page } = await signIn(browser, stack.consoleUrl, "teamadmin");
    await page.goto("/settings/tokens");
    const posts = countPosts(page);
    const create = page.getByRole("form", { name: "New automation token" });
    await create.getByLabel(/admin:read/).uncheck();
    await create.getByRole("button", { name: "Create token" }).click();
    await create.getByText("is required").waitFor();
    await create.getByText("needs at least one scope").waitFor();
    expect(posts()).toBe(0);

    await create.getByLabel("Name").fill("ci pipeline");
    await create.getByLabel(/admin:read/).check();
    await send(page, create.getByRole("button", { name: "Create token" }));
    const token = (await create.getByTestId("secret").inputValue())!;
    expect(token).toMatch(/^fga_/);
    const row = page.locator("tr[data-token='ci pipeline']");
    await row.getByText("active").waitFor();
    expect(await row.textContent()).toContain(`${token.slice(0, 8)}`);

    const query = `{ environments(teamId: "${TEAM_ID}") { nodes { key } } }`;
    const before = await graphqlWithToken(token, query);
    expect(before.errors).toBeUndefined();
    expect((before.data!.environments as { nodes: { key: string }[] }).nodes.map((e) => e.key)).toEqual(["development", "production", "staging"]);

    await confirm(page, row.getByRole("button", { name: "Revoke ci pipeline" }), "Revoke the token ci pipeline?", "Revoke token");
    await row.getByText("revoked").waitFor();
    const after = await graphqlWithToken(token, query);
    expect(after.errors?.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    await context.close();
  }, 60_000);

  test("account: sessions listed with the current one marked; a revoked session is signed out; the password changes", async () => {
    const here = await signIn(browser, stack.consoleUrl, "requester");
    const laptop = await signIn(browser, stack.consoleUrl, "requester");
    const phone = await signIn(browser, stack.consoleUrl, "requester");
    const page = here.page;
    await page.goto("/settings/account");
    const sessions = page.getByRole("table", { name: "Your sessions" });
    expect(await sessions.locator("tr[data-session='current']").count()).toBe(1);
    expect(await sessions.locator("tr[data-session='other']").count()).toBe(2);
    await sessions.locator("tr[data-session='current']").getByText("this session").waitFor();

    // End one other session: that browser is signed out at its next request, the rest go on.
    const other = sessions.locator("tr[data-session='other']").first();
    const id = (await other.locator(".mono").textContent())!;
    await confirm(page, other.getByRole("button", { name: `Sign out session ${id}` }), "Sign this session out?", "Sign it out");
    await sessions.locator("tr[data-session='other']").nth(1).waitFor({ state: "detached" });
    const signedOut: boolean[] = [];
    for (const session of [laptop, phone]) {
      await session.page.goto("/flags");
      signedOut.push(session.page.url().includes("/login"));
    }
    expect(signedOut.filter(Boolean)).toHaveLength(1);
    await page.goto("/flags");
    expect(page.url()).toMatch(/\/flags/);

    // End all the others.
    await page.goto("/settings/account");
    await confirm(page, page.getByRole("button", { name: "Sign out all other sessions (1)" }), "Sign out everywhere else?", "Sign out the others");
    await page.getByText("This is your only session.").waitFor();
    for (const session of [laptop, phone]) {
      await session.page.goto("/flags");
      expect(session.page.url()).toMatch(/\/login/);
    }

    // Password: checked first, then the API's refusal of a wrong current password, then a change (and back).
    const form = page.getByRole("form", { name: "Change your password" });
    const posts = countPosts(page);
    await form.getByLabel("Current password").fill(PASSWORD);
    await form.getByLabel(/^New password/).fill("brand-new-password");
    await form.getByLabel("Repeat the new password").fill("brand-new-passw0rd");
    await form.getByRole("button", { name: "Change password" }).click();
    await form.getByText("The two new passwords differ.").waitFor();
    expect(posts()).toBe(0);
    await form.getByLabel("Current password").fill("not-my-password");
    await form.getByLabel("Repeat the new password").fill("brand-new-password");
    await send(page, form.getByRole("button", { name: "Change password" }));
    await form.getByText("input.currentPassword: is not the current password").waitFor();
    expect(await form.getByLabel("Current password").getAttribute("aria-invalid")).toBe("true");
    for (const [current, next] of [[PASSWORD, "brand-new-password"], ["brand-new-password", PASSWORD]]) {
      await form.getByLabel("Current password").fill(current!);
      await form.getByLabel(/^New password/).fill(next!);
      await form.getByLabel("Repeat the new password").fill(next!);
      await send(page, form.getByRole("button", { name: "Change password" }));
      await form.getByText("Password changed. Your other sessions were ended.").waitFor();
      await expect.poll(() => form.getByLabel("Current password").inputValue()).toBe("");
    }

    // Profile: checked first, then saved; the header shows the new name.
    const profile = page.getByRole("form", { name: "Profile" });
    await profile.getByLabel("Email").fill("rita@");
    await profile.getByRole("button", { name: "Save profile" }).click();
    await profile.getByText("must be an email address").waitFor();
    await profile.getByLabel("Email").fill("rita@acme.test");
    await profile.getByLabel("Display name").fill("Rita R.");
    await send(page, profile.getByRole("button", { name: "Save profile" }));
    await profile.getByText("Profile saved.").waitFor();
    await page.locator(".topbar .who").getByText("Rita R.").waitFor();
    for (const session of [here, laptop, phone]) await session.context.close();
  }, 120_000);

  test("every people & access screen: no serious or critical axe violation, light and dark; screenshots", async () => {
    const screens = [
      ["settings", "/settings"], ["settings-teams", "/settings/teams"], ["settings-users", "/settings/users"],
      ["settings-roles", "/settings/roles"], ["settings-tokens", "/settings/tokens"], ["settings-account", "/settings/account"],
    ] as const;
    const problems: string[] = [];
    for (const [scheme, width] of [["light", 1280], ["dark", 1280], ["dark", 375]] as const) {
      const session = await signIn(browser, stack.consoleUrl, "admin", { colorScheme: scheme, width });
      for (const [name, url] of screens) {
        await session.page.goto(url);
        await session.page.waitForLoadState("networkidle");
        problems.push(...(await seriousViolations(session.page)).map((v) => `${name} (${scheme}, ${width}px): ${v}`));
        await session.page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${scheme}-${width}.png`), fullPage: true });
      }
      // A confirmation dialog, open.
      await session.page.goto("/settings/users");
      await session.page.getByRole("button", { name: "Disable viewer" }).click();
      await session.page.getByRole("dialog", { name: "Disable viewer?" }).waitFor();
      problems.push(...(await seriousViolations(session.page)).map((v) => `confirm dialog (${scheme}, ${width}px): ${v}`));
      await session.page.screenshot({ path: path.join(SCREENSHOT_DIR, `settings-confirm-${scheme}-${width}.png`) });
      await session.context.close();
    }
    expect(problems).toEqual([]);
  }, 240_000);
});
