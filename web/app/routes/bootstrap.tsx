import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { AuthCard } from "~/components/AuthCard";
import { FormError } from "~/components/FormError";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import { BootstrapAdminDoc, BootstrapStatusDoc, LoginDoc } from "~/lib/docs/identity";
import { optionalText, text } from "~/lib/form";

export const meta: MetaFunction = () => [{ title: "Create the first admin · FluxGate" }];
const MIN_PASSWORD = 12;

export async function loader({ context }: LoaderFunctionArgs) {
  const status = await context.auth.anonymous(BootstrapStatusDoc, {});
  if (!status.bootstrapStatus.needsBootstrap) throw redirect("/login");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const password = String(form.get("password") ?? "");
  if (password !== String(form.get("confirm") ?? "")) {
    return failure({ code: "BAD_USER_INPUT", field: "confirm", message: "The two passwords differ." });
  }
  const input = { username: text(form, "username"), email: text(form, "email"), displayName: optionalText(form, "displayName"), password };
  const created = await attempt(() => context.auth.anonymous(BootstrapAdminDoc, { input }));
  if (isFailure(created)) return created;
  const session = await attempt(() => context.auth.anonymous(LoginDoc, { input: { login: input.username, password } }));
  if (isFailure(session)) return session;
  await context.auth.store(session.login);
  throw redirect("/flags");
}

export default function Bootstrap() {
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <AuthCard title="Create the first admin" intro="No system admin exists yet. The account you create here manages users and teams.">
      <Form method="post" className="stack">
        <div className="field"><label htmlFor="username">Username</label><input id="username" name="username" autoComplete="username" required /></div>
        <div className="field"><label htmlFor="email">Email</label><input id="email" name="email" type="email" autoComplete="email" required /></div>
        <div className="field"><label htmlFor="displayName">Display name <span className="hint">(optional)</span></label><input id="displayName" name="displayName" autoComplete="name" /></div>
        <div className="field">
          <label htmlFor="password">Password <span className="hint">(at least {MIN_PASSWORD} characters)</span></label>
          <input id="password" name="password" type="password" minLength={MIN_PASSWORD} autoComplete="new-password" required />
        </div>
        <div className="field"><label htmlFor="confirm">Repeat the password</label><input id="confirm" name="confirm" type="password" autoComplete="new-password" required /></div>
        <FormError error={result?.error} />
        <button className="primary" type="submit" disabled={busy}>{busy ? "Creating the admin…" : "Create admin and sign in"}</button>
      </Form>
    </AuthCard>
  );
}
