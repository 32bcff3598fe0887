// Browser-test support: the real stack (`npm run dev` through test/e2e/support/dev-stack.ts, with a
// private wrangler dev registry) and Debian's Chromium driven by playwright-core.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { PORT_TAKEN, startDevStack, type DevStack } from "../../test/e2e/support/dev-stack";

export const PASSWORD = "fluxgate-demo";
export const PRODUCTION_SECRET = "fg_local_production_demo_secret";
export const DEVELOPMENT_SECRET = "fg_local_development_demo_secret";
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, "../test-results/screenshots");

export async function startStack(): Promise<DevStack> {
  // Our wrangler processes find each other here, and nobody else's Workers of the same name.
  process.env.WRANGLER_REGISTRY_PATH = mkdtempSync(path.join(tmpdir(), "fluxgate-console-registry-"));
  // The console's port can be taken meanwhile too (startDevStack retries the Workers' own): start again.
  for (let attempt = 1; ; attempt++) {
    const stack = await startDevStack({ readyTimeoutMs: 240_000 });
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline && !PORT_TAKEN.test(stack.output())) {
      try {
        const res = await fetch(`${stack.consoleUrl}/login`, { redirect: "manual" });
        await res.arrayBuffer();
        if (res.status === 200) return stack;
      } catch {
        // not up yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    await stack.stop();
    if (!PORT_TAKEN.test(stack.output()) || attempt === 3) throw new Error(`the console did not answer on ${stack.consoleUrl}\n${stack.output()}`);
  }
}

export const launch = (): Promise<Browser> => chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });

// The stack and the browser of the current test file (each file runs in its own module context),
// set by withStackAndBrowser's beforeAll: importers read them through ES live bindings.
export let stack: DevStack;
export let browser: Browser;

/** One browser test file's set-up: the real stack and Chromium before its tests (and the screenshot
 * folder), both stopped after them. */
export function withStackAndBrowser(): void {
  beforeAll(async () => {
    [stack, browser] = await Promise.all([startStack(), launch()]);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  }, 400_000);
  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });
}

export async function signIn(browser: Browser, baseURL: string, login: string, options: { colorScheme?: "light" | "dark"; width?: number; timezoneId?: string } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    baseURL, colorScheme: options.colorScheme ?? "light", timezoneId: options.timezoneId,
    viewport: { width: options.width ?? 1280, height: 900 },
  });
  const page = await context.newPage();
  if (process.env.FG_DEBUG_PAGE) logPage(page);
  await page.goto("/login");
  await page.getByLabel("Username or email").fill(login);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/flags/);
  return { context, page };
}

/** `FG_DEBUG_PAGE=1`: the page's navigations, data requests and errors on stdout, timed from sign-in
 * (how the races in use-refresh.ts were found; a timeout alone does not say what the page did). */
function logPage(page: Page) {
  const t0 = Date.now();
  const log = (m: string) => console.log(`[page +${Date.now() - t0}ms] ${m}`);
  const data = (url: string) => url.includes(".data") || url.includes("/__manifest");
  page.on("console", (m) => log(`console.${m.type()}: ${m.text()}`));
  page.on("pageerror", (e) => log(`pageerror: ${e.message}`));
  page.on("framenavigated", (f) => { if (f === page.mainFrame()) log(`navigated ${f.url()}`); });
  page.on("requestfailed", (r) => log(`failed ${r.method()} ${r.url()} ${r.failure()?.errorText}`));
  page.on("request", (r) => { if (data(r.url())) log(`request ${r.method()} ${r.url()}`); });
  page.on("response", (r) => { if (data(r.url()) || r.status() >= 400) log(`response ${r.status()} ${r.request().method()} ${r.url()}`); });
}

/** Clicks a submit button and waits until its action answered and the page re-read its data. */
export async function submit(page: Page, button: Locator) {
  const revalidated = page.waitForResponse((r) => r.request().method() === "GET" && r.url().includes(".data"));
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === "POST" && r.url().includes(".data")),
    button.click(),
  ]);
  await revalidated;
}

/** axe-core's serious and critical violations on the page, as "rule: target" lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
}

/** OFREP single-flag evaluation against the evaluation Worker. */
export async function ofrep(baseUrl: string, secret: string, key: string, context: Record<string, unknown>) {
  const res = await fetch(`${baseUrl}/ofrep/v1/evaluate/flags/${key}`, {
    method: "POST",
    headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
    body: JSON.stringify({ context }),
  });
  return { status: res.status, body: (await res.json()) as { value?: unknown; variant?: string; reason?: string } };
}

/** Polls OFREP until `accept` holds (live delivery takes a moment), bounded. */
export async function ofrepUntil(baseUrl: string, secret: string, key: string, context: Record<string, unknown>, accept: (b: { value?: unknown; reason?: string; variant?: string }) => boolean) {
  const deadline = Date.now() + 15_000;
  let last = await ofrep(baseUrl, secret, key, context);
  while (!accept(last.body) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    last = await ofrep(baseUrl, secret, key, context);
  }
  return last.body;
}

/** GraphQL as a user, straight to the admin API (test set-up only). */
export async function adminGraphQL<T>(adminUrl: string, login: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const call = async (q: string, v: Record<string, unknown>, token?: string) => {
    const res = await fetch(`${adminUrl}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: q, variables: v }),
    });
    const body = (await res.json()) as { data?: unknown; errors?: { message: string }[] };
    if (body.errors?.length) throw new Error(body.errors[0]!.message);
    return body.data as never;
  };
  const { login: session } = await call(`mutation($l:String!,$p:String!){ login(input:{login:$l,password:$p}){ accessToken } }`, { l: login, p: PASSWORD }) as { login: { accessToken: string } };
  return call(query, variables, session.accessToken) as Promise<T>;
}

/** The page as it is now: its serious axe violations labelled `label`, and a full-page screenshot `file`.png. */
export async function auditScreen(page: Page, label: string, file: string): Promise<string[]> {
  const problems = (await seriousViolations(page)).map((v) => `${label}: ${v}`);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${file}.png`), fullPage: true });
  return problems;
}

/**
 * Signs in as `login` once per (scheme, width), opens every screen, collects axe's serious and
 * critical violations as "name (scheme, width px): rule: target" and saves a full-page screenshot
 * `<name>-<scheme>-<width>.png`. `extra` runs after the screens with the same page (e.g. a dialog).
 */
export async function auditScreens(browser: Browser, baseURL: string, login: string, screens: readonly (readonly [string, string])[],
  variants: readonly (readonly ["light" | "dark", number])[], extra?: (page: Page, label: string) => Promise<string[]>): Promise<string[]> {
  const problems: string[] = [];
  for (const [scheme, width] of variants) {
    const session = await signIn(browser, baseURL, login, { colorScheme: scheme, width });
    for (const [name, url] of screens) {
      await session.page.goto(url);
      await session.page.waitForLoadState("networkidle");
      problems.push(...(await seriousViolations(session.page)).map((v) => `${name} (${scheme}, ${width}px): ${v}`));
      await session.page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-${scheme}-${width}.png`), fullPage: true });
    }
    if (extra) problems.push(...await extra(session.page, `${scheme}-${width}`));
    await session.context.close();
  }
  return problems;
}
