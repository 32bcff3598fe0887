// The governance gaps of the console in Debian's Chromium against the real local stack: notification
// preferences and the caller's own mobile number; signing key rotation; an approval policy's custom
// roles through their resource route; axe light and dark, screenshots.
import { describe, expect, test } from "vitest";
import { adminGraphQL, auditScreens, browser, signIn, stack, submit, withStackAndBrowser } from "./support";

const TEAM_ID = "00000000-0000-4000-8000-0000000000a1";

withStackAndBrowser();

const gql = <T>(login: string, query: string, variables: Record<string, unknown> = {}) => adminGraphQL<T>(stack.adminUrl, login, query, variables);

describe("governance gaps", () => {
  test("notification preferences, mobile number, signing key rotation and a policy's custom roles", async () => {
    const admin = await signIn(browser, stack.consoleUrl, "teamadmin");
    await admin.page.goto("/settings/notification-preferences");
    const toggle = admin.page.getByRole("button", { name: "Feature deployed by Email" });
    expect(await toggle.getAttribute("aria-pressed")).toBe("true");
    await submit(admin.page, toggle);
    expect(await toggle.getAttribute("aria-pressed")).toBe("false");
    const settings = await gql<{ notificationSettings: { preferences: { type: string; email: boolean; sms: boolean }[] } }>("teamadmin",
      `query($t:ID!){ notificationSettings(teamId:$t){ preferences { type email sms } } }`, { t: TEAM_ID });
    expect(settings.notificationSettings.preferences.find((p) => p.type === "feature_deployed")).toEqual({ type: "feature_deployed", email: false, sms: true });

    // The policy's custom roles through the component's resource route.
    const { createCustomRole: role } = await gql<{ createCustomRole: { id: string } }>("teamadmin",
      `mutation($i:CreateCustomRoleInput!){ createCustomRole(input:$i){ id } }`, { i: { teamId: TEAM_ID, name: "Release managers" } });
    const { createApprovalPolicy: policy } = await gql<{ createApprovalPolicy: { id: string } }>("teamadmin",
      `mutation($i:CreateApprovalPolicyInput!){ createApprovalPolicy(input:$i){ id } }`,
      { i: { teamId: TEAM_ID, name: "Staging roles", appliesTo: "all", eligibleRoles: ["team_admin"] } });
    const status = await admin.page.evaluate(async ([policyId, roleId]) => {
      const body = new FormData();
      body.append("roleId", roleId!);
      return (await fetch(`/settings/approval-policies/${policyId}/roles`, { method: "POST", body })).status;
    }, [policy.id, role.id]);
    expect(status).toBe(200);
    const policies = await gql<{ approvalPolicies: { id: string; eligibleCustomRoles: { id: string }[] }[] }>("teamadmin",
      `query($t:ID!){ approvalPolicies(teamId:$t){ id eligibleCustomRoles { id } } }`, { t: TEAM_ID });
    expect(policies.approvalPolicies.find((p) => p.id === policy.id)!.eligibleCustomRoles).toEqual([{ id: role.id }]);
    await admin.context.close();

    // A viewer cannot change the team's preferences but sets their own mobile number (checked first).
    const viewer = await signIn(browser, stack.consoleUrl, "viewer");
    await viewer.page.goto("/settings/notification-preferences");
    await viewer.page.getByText("Only the team's admins choose which notifications go out.").waitFor();
    const mobile = viewer.page.getByRole("form", { name: "Your mobile number" });
    await mobile.getByLabel("Mobile number").fill("0151 555");
    await mobile.getByRole("button", { name: "Save number" }).click();
    await mobile.getByText("must be an E.164 number such as +15551234567").waitFor();
    await mobile.getByLabel("Mobile number").fill("+4915155512345");
    await submit(viewer.page, mobile.getByRole("button", { name: "Save number" }));
    await mobile.getByText("SMS now go to +4915155512345.").waitFor();
    // Security is read only for them: the explanation, no button.
    await viewer.page.goto("/settings/security");
    await viewer.page.getByText("Only a system admin may rotate the signing key.").waitFor();
    expect(await viewer.page.getByRole("button", { name: "Rotate signing key" }).count()).toBe(0);
    await viewer.context.close();

    // The system admin rotates the signing key after confirming; their own session continues.
    const system = await signIn(browser, stack.consoleUrl, "admin");
    await system.page.goto("/settings/security");
    await system.page.getByRole("button", { name: "Rotate signing key" }).click();
    const dialog = system.page.getByRole("dialog", { name: "Rotate the signing key?" });
    await dialog.getByRole("button", { name: "Rotate the key" }).click();
    const done = dialog.getByRole("status");
    await done.waitFor();
    expect(await done.textContent()).toMatch(/^New key \S+ signs from now on\./);
    await dialog.getByRole("button", { name: "Close" }).click();
    await system.page.goto("/settings/notification-preferences");
    await system.page.getByRole("table", { name: "Notification preferences" }).waitFor();
    await system.context.close();
  }, 120_000);

  test("no serious axe violation, light and dark", async () => {
    const screens = [["notification-preferences", "/settings/notification-preferences"], ["security", "/settings/security"]] as const;
    const problems = await auditScreens(browser, stack.consoleUrl, "admin", screens, [["light", 1280], ["dark", 1280]]);
    expect(problems).toEqual([]);
  }, 120_000);
});
