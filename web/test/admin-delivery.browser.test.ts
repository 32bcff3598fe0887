// The delivery and governance settings in Debian's Chromium against the real local stack: clients
// (a secret rotated in the UI then works through OFREP and the old one is refused), approval
// policies with the API's preview, freeze windows with recurrence and time zone, rollout templates
// (preview, then apply to a feature, checked through OFREP), notification channels with write-only
// secrets and a test send to a webhook receiver on 127.0.0.1; validation and API errors shown,
// confirmations, axe light and dark, screenshots.
import { mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { DevStack } from "../../test/e2e/support/dev-stack";
import { adminGraphQL, launch, ofrep, SCREENSHOT_DIR, seriousViolations, signIn, startStack, submit } from "./support";

const TEAM_ID = "00000000-0000-4000-8000-0000000000a1";

let stack: DevStack;
let browser: Browser;
let receiver: Server;
let receiverUrl: string;
const received: { headers: IncomingMessage["headers"]; body: string }[] = [];

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
  [stack, browser] = await Promise.all([startStack(), launch()]);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
}, 400_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
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
});
