// A real Chromium (Debian's /usr/bin/chromium through playwright-core) and loopback static servers
// that serve the SDK's no-bundler example page (sdk/examples/browser-esm/index.html, its baseUrl
// pointed at the test's stack) next to the self-contained browser build, each from its own origin.
import { readFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
const EXAMPLE_PAGE = path.resolve(import.meta.dirname, "../../../sdk/examples/browser-esm/index.html");

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM });
}

export interface StaticSite {
  /** http://127.0.0.1:<port> */
  origin: string;
  close(): Promise<void>;
}

/** Serves `/` (the example page, talking to `baseUrl`) and `/fluxgate.js` (the bundle) on a free loopback port. */
export async function serveExamplePage(baseUrl: string, bundlePath: string): Promise<StaticSite> {
  const page = (await readFile(EXAMPLE_PAGE, "utf8")).replace('const baseUrl = "http://127.0.0.1:8787"', `const baseUrl = "${baseUrl}"`);
  if (!page.includes(baseUrl)) throw new Error("the example page no longer sets baseUrl as the test expects");
  const bundle = await readFile(bundlePath);
  const server: Server = createServer((request, response) => {
    const route = request.url === "/" ? { type: "text/html; charset=utf-8", body: page }
      : request.url === "/fluxgate.js" ? { type: "text/javascript; charset=utf-8", body: bundle }
      : undefined;
    if (!route) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "Content-Type": route.type, "Cache-Control": "no-store" }).end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (!address || typeof address !== "object") throw new Error("no port");
  return {
    origin: `http://127.0.0.1:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
