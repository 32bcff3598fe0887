// A settings section's error boundary: the API's refusal (its message and code) inside the Settings
// frame, so the side nav stays usable; never a stack.
import { isRouteErrorResponse, useRouteError } from "@remix-run/react";

export function SectionError() {
  const error = useRouteError();
  const data = isRouteErrorResponse(error) ? (error.data as { message?: string; code?: string } | string) : null;
  const message = typeof data === "string" ? data : data?.message ?? (error instanceof Error ? error.message : "Something went wrong.");
  const code = typeof data === "object" && data ? data.code : undefined;
  return (
    <div className="stack">
      <h1>{code === "FORBIDDEN" ? "Not available for your role" : "This section could not be loaded"}</h1>
      <p className="error" role="alert">{message}</p>
    </div>
  );
}
