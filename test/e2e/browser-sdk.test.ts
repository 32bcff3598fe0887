// The SDK's self-contained browser build in a real Chromium against the real `npm run dev` stack:
// the README's no-bundler page (sdk/examples/browser-esm) loads one file, streams the snapshot and
// follows a change live; a page from an origin the web client does not list, or a page using a
// server client's secret, gets the server's exact reason at once (no retries, no timeout).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_CLIENT_IDS, DEMO_WEB_ORIGINS } from "../../db/seed/demo-data";
import { BROWSER_BUNDLE, buildBrowserBundle } from "../../scripts/build-sdk";
import { launchChromium, serveExamplePage, type StaticSite } from "./support/browser-page";
import { DEV_SERVER_SECRET, LAYOUT_MODERN, WEB_CLIENT_SECRET } from "./support/demo";
import { adminToken, graphql, setVariantValue, waitFor } from "./support/sdk-stack";
import { useDevStack } from "./support/use-dev-stack";

const stack = useDevStack();
let scratch: string;
let browser: Browser;
let allowed: StaticSite;
let refused: StaticSite;
let token: string;

const originRefusal = (origin: string) =>
  `ORIGIN_NOT_ALLOWED: origin ${origin} is not allowed for this client; add it to the web client's allowed origins (scheme, host and port must match exactly)`;

beforeAll(async () => {
  scratch = await mkdtemp(path.join(tmpdir(), "fluxgate-browser-"));
  await buildBrowserBundle(scratch);
  const bundle = path.join(scratch, `${BROWSER_BUNDLE.bundle}.js`);
  allowed = await serveExamplePage(stack.baseUrl, bundle);
  refused = await serveExamplePage(stack.baseUrl, bundle);
  token = await adminToken(stack.adminUrl);
  // The test page's origin joins the demo web client's list, as a developer would add theirs.
  await graphql(stack.adminUrl, "mutation($input: UpdateClientInput!) { updateClient(input: $input) { id } }",
    { input: { id: DEMO_CLIENT_IDS.web, webOrigins: [...DEMO_WEB_ORIGINS, allowed.origin] } }, token);
  await waitFor("the new origin to be accepted", async () => {
    const response = await fetch(`${stack.baseUrl}/ofrep/v1/evaluate/flags`, {
      method: "POST", headers: { Authorization: `Bearer ${WEB_CLIENT_SECRET}`, Origin: allowed.origin, "Content-Type": "application/json" }, body: JSON.stringify({ context: {} }),
    });
    await response.arrayBuffer();
    return response.status === 200;
  }, 30_000);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await allowed?.close();
  await refused?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function open(site: StaticSite): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage();
  const requests: string[] = [];
  page.on("request", (request) => void requests.push(request.url()));
  await page.goto(`${site.origin}/`);
  return { page, requests };
}

const text = (page: Page, selector: string) => page.locator(selector).textContent();

/**
 * Runs `body` in the page as an async function of `arg`, with the page's bundle imported as `sdk`.
 * (A string, not a function: vitest's transform would rewrite a function's dynamic import.)
 */
const inPage = <T>(page: Page, body: string, arg: unknown = null): Promise<T> =>
  page.evaluate(`(async (arg) => { const sdk = await import("/fluxgate.js"); ${body} })(${JSON.stringify(arg)})`) as Promise<T>;

describe("the browser build in Chromium, no bundler", () => {
  it("loads one file, streams the flags and follows a change live", async () => {
    const { page, requests } = await open(allowed);
    await page.waitForFunction(() => document.querySelector("#status")?.textContent === "READY", undefined, { timeout: 15_000 });
    expect(JSON.parse((await text(page, "#flags"))!)).toEqual({ betaBanner: true, layout: LAYOUT_MODERN });
    // The page and the one bundle from the page's origin; everything else goes to FluxGate.
    expect(requests.filter((url) => url.startsWith(allowed.origin))).toEqual([`${allowed.origin}/`, `${allowed.origin}/fluxgate.js`]);

    const carousel = { hero: "carousel", columns: 4 };
    await setVariantValue(stack.adminUrl, token, "homepage_layout", 1, carousel); // modern, what user-42 gets
    await page.waitForFunction((hero) => document.querySelector("#flags")?.textContent?.includes(hero), "carousel", { timeout: 10_000 });
    expect(JSON.parse((await text(page, "#flags"))!)).toEqual({ betaBanner: true, layout: carousel });
    await setVariantValue(stack.adminUrl, token, "homepage_layout", 1, LAYOUT_MODERN);
    await page.close();
  });
});

describe("a refused browser gets the reason at once", () => {
  it("a page from an origin the web client does not list: ORIGIN_NOT_ALLOWED with the server's text, within seconds", async () => {
    const started = Date.now();
    const { page } = await open(refused);
    await page.waitForFunction(() => document.querySelector("#status")?.textContent?.startsWith("FluxGate:"), undefined, { timeout: 8_000 });
    expect(Date.now() - started).toBeLessThan(8_000); // well before the 10 s initial-load timeout
    expect(await text(page, "#status")).toBe(`FluxGate: ${originRefusal(refused.origin)}`);
    expect(await inPage(page, "return sdk.OpenFeature.getClient().providerStatus;")).toBe("FATAL");
    await page.close();
  });

  it("the same in remote mode (OFREP bulk)", async () => {
    const { page } = await open(refused);
    const outcome = await inPage(page, `
      const provider = new sdk.FluxGateWebProvider({ mode: "remote", baseUrl: arg, credential: "fg_local_web_demo_secret" });
      const message = await sdk.OpenFeature.setProviderAndWait("remote", provider).then(() => "READY", (error) => error.message);
      return { message, status: sdk.OpenFeature.getClient("remote").providerStatus };`, stack.baseUrl);
    expect(outcome).toEqual({ message: originRefusal(refused.origin), status: "FATAL" });
    await page.close();
  });

  it("a page using a server client's secret: SERVER_CLIENT_IN_BROWSER", async () => {
    const { page } = await open(allowed);
    const message = await inPage(page, `
      const client = new sdk.FluxGateLocalClient({ baseUrl: arg.baseUrl, credential: arg.secret, evaluationCounts: false });
      return client.start().then(() => "started", (error) => error.code + ": " + error.message);`, { baseUrl: stack.baseUrl, secret: DEV_SERVER_SECRET });
    expect(message).toBe("SERVER_CLIENT_IN_BROWSER: a server client's secret may not be used from a browser (the request carries an Origin header); use a web client's secret in web pages");
    await page.close();
  });
});
