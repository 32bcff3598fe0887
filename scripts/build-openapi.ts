// `npm run build:openapi`: writes the evaluation API's OpenAPI document
// (workers/evaluation/openapi/document.ts) to workers/evaluation/openapi/openapi.json, which the
// evaluation Worker serves at /openapi.json. npm run dev and npm run deploy run it first;
// test/node/openapi-document.test.ts fails while the committed file is out of date.
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ROOT } from "./seed";

// Loaded by a computed specifier so the node type-check (tsconfig.node.json) does not follow it
// into Worker code, which tsconfig.json checks with the Workers types.
const DOCUMENT_MODULE = "../workers/evaluation/openapi/document";
const { openApiDocument } = (await import(DOCUMENT_MODULE)) as { openApiDocument(): unknown };

export const OPENAPI_FILE = path.join(ROOT, "workers/evaluation/openapi/openapi.json");

export const renderOpenApi = () => `${JSON.stringify(openApiDocument(), null, 2)}\n`;

/** Writes the file when its content changed; true when it did. */
export async function buildOpenApi(): Promise<boolean> {
  const text = renderOpenApi();
  if ((await readFile(OPENAPI_FILE, "utf8").catch(() => "")) === text) return false;
  await writeFile(OPENAPI_FILE, text);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(await buildOpenApi() ? `wrote ${path.relative(ROOT, OPENAPI_FILE)}` : `${path.relative(ROOT, OPENAPI_FILE)} is up to date`);
}
