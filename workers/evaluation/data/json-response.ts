// Responses of the evaluation routes are built directly (no framework helpers on the hot path).
export const JSON_CONTENT_TYPE = "application/json";

export function jsonResponse(body: unknown, status = 200, headers?: Record<string, string>): Response {
  return jsonTextResponse(JSON.stringify(body), status, headers);
}

export function jsonTextResponse(text: string, status = 200, headers?: Record<string, string>): Response {
  const response = new Response(text, { status, headers: { "Content-Type": JSON_CONTENT_TYPE } });
  if (headers) for (const name in headers) response.headers.set(name, headers[name]!);
  return response;
}
