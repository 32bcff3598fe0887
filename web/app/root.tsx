import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/cloudflare";
import {
  isRouteErrorResponse, Links, Meta, Outlet, Scripts, ScrollRestoration, useRouteError, useRouteLoaderData,
} from "@remix-run/react";
import { themeFromCookie } from "./lib/theme";
import styles from "./styles.css?url";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: styles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export function loader({ request }: LoaderFunctionArgs) {
  return { theme: themeFromCookie(request.headers.get("cookie")) };
}

export function Layout({ children }: { children: React.ReactNode }) {
  // useRouteLoaderData: Layout also renders the error boundary, where useLoaderData is not allowed.
  const data = useRouteLoaderData<typeof loader>("root");
  const theme = data?.theme ?? "system";
  return (
    <html lang="en" data-theme={theme === "system" ? undefined : theme}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content={theme === "system" ? "light dark" : theme} />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  const error = useRouteError();
  const title = isRouteErrorResponse(error) ? `${error.status} ${error.statusText}` : "Something went wrong";
  const message = isRouteErrorResponse(error)
    ? typeof error.data === "string" ? error.data : (error.data as { message?: string })?.message
    : error instanceof Error ? error.message : undefined;
  return (
    <main className="centered">
      <div className="card">
        <h1>{title}</h1>
        {message && <p role="alert">{message}</p>}
        <p><a href="/">Back to the console</a></p>
      </div>
    </main>
  );
}
