import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { AuthCard } from "~/components/AuthCard";
import { FormError } from "~/components/FormError";
import { attempt, isFailure } from "~/lib/action.server";
import { BootstrapStatusDoc, LoginDoc } from "~/lib/docs/identity";
import { safeNext, text } from "~/lib/form";

export const meta: MetaFunction = () => [{ title: "Sign in · FluxGate" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const status = await context.auth.anonymous(BootstrapStatusDoc, {});
  if (status.bootstrapStatus.needsBootstrap) throw redirect("/bootstrap");
  if (await context.auth.accessToken()) throw redirect("/flags");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const result = await attempt(() =>
    context.auth.anonymous(LoginDoc, { input: { login: text(form, "login"), password: String(form.get("password") ?? "") } }));
  if (isFailure(result)) return result;
  await context.auth.store(result.login);
  if (result.login.mustChangePassword) throw redirect("/password");
  throw redirect(safeNext(text(form, "next")));
}

export default function Login() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const busy = useNavigation().state !== "idle";
  return (
    <AuthCard title="Sign in">
      <Form method="post" className="stack">
        <input type="hidden" name="next" value={params.get("next") ?? ""} />
        <div className="field">
          <label htmlFor="login">Username or email</label>
          <input id="login" name="login" autoComplete="username" required autoFocus />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
        </div>
        <FormError error={result?.error} />
        <button className="primary" type="submit" disabled={busy}>{busy ? "Signing in…" : "Sign in"}</button>
      </Form>
    </AuthCard>
  );
}
