// Request-body limits and JSON reading for the evaluation routes.
// - Bodies over 64 KiB are refused with 413 PAYLOAD_TOO_LARGE: by Content-Length before reading, and
//   by the bytes actually read (chunked bodies carry no Content-Length). An evaluation context is a
//   handful of attributes; 64 KiB leaves ample room and keeps a single request cheap.
// - Content-Type: `application/json` or any `+json` type is read as JSON, and so is a body sent
//   WITHOUT a Content-Type (curl -d and minimal clients); any other declared type is refused with
//   415 UNSUPPORTED_MEDIA_TYPE, so form posts and text are never silently misread.
// - Malformed JSON, an empty body or invalid UTF-8 is 400 PARSE_ERROR.
import { ApiError, parseError } from "./errors";

export const MAX_BODY_BYTES = 64 * 1024;

const tooLarge = (limit: number) =>
  new ApiError(413, "PAYLOAD_TOO_LARGE", `request body exceeds ${limit} bytes`);

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function isJsonMediaType(contentType: string | null): boolean {
  if (contentType === null) return true;
  const semicolon = contentType.indexOf(";");
  const type = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/**
 * Reads the body as JSON within the limits above; throws ApiError for every client mistake.
 * `limit` lets a route with larger batches (analytics ingestion) set its own byte limit.
 */
export async function readJsonBody(request: Request, limit = MAX_BODY_BYTES): Promise<unknown> {
  const contentType = request.headers.get("Content-Type");
  if (!isJsonMediaType(contentType)) {
    throw new ApiError(415, "UNSUPPORTED_MEDIA_TYPE",
      `Content-Type ${contentType} is not supported; send application/json`);
  }
  const declared = request.headers.get("Content-Length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
  // With a declared length within the limit the runtime enforces it, so one buffered read suffices.
  const bytes = declared !== null
    ? new Uint8Array(await request.arrayBuffer())
    : await readBytes(request, limit);
  if (bytes.byteLength > limit) throw tooLarge(limit);
  if (bytes.byteLength === 0) throw parseError("request body is empty; send a JSON object");
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw parseError("request body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw parseError(`request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The body's bytes, refusing to buffer more than `limit` of them. */
async function readBytes(request: Request, limit: number): Promise<Uint8Array> {
  if (request.body === null) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}
