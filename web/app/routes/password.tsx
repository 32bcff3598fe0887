import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { AuthCard } from "~/components/AuthCard";
import { FormError } from "~/components/FormError";
import { attempt, isFailure } from "~/lib/action.server";
import { failure } from "~/lib/api-error";
import { ChangePasswordDoc, MeDoc } from "~/lib/docs/identity";

export const meta: MetaFunction = () => [{ title: "Change your password · FluxGate" }];

export async function loader({ context }: LoaderFunctionArgs) {
  const { me } = await context.auth.query(MeDoc, {});
  return { forced: me.mustChangePassword, username: me.username };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const newPassword = String(form.get("newPassword") ?? "");
  if (newPassword !== String(form.get("confirm") ?? "")) {
    return failure({ code: "BAD_USER_INPUT", field: "confirm", message: "The two new passwords differ." });
  }
  const result = await attempt(() => context.auth.gql(ChangePasswordDoc, {
    input: { currentPassword: String(form.get("currentPassword") ?? ""), newPassword },
  }));
  if (isFailure(result)) return result;
  throw redirect("/flags");
}

export default function Password() {
  const { forced, username } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <AuthCard
      title="Change your password"
      intro={forced ? `${username}, your password is temporary: choose your own before you continue.` : undefined}
    >
      <Form method="post" className="stack">
        <input type="text" name="username" value={username} autoComplete="username" readOnly hidden />
        <div className="field"><label htmlFor="currentPassword">Current password</label><input id="currentPassword" name="currentPassword" type="password" autoComplete="current-password" required /></div>
        <div className="field"><label htmlFor="newPassword">New password <span className="hint">(at least 12 characters)</span></label><input id="newPassword" name="newPassword" type="password" minLength={12} autoComplete="new-password" required /></div>
        <div className="field"><label htmlFor="confirm">Repeat the new password</label><input id="confirm" name="confirm" type="password" autoComplete="new-password" required /></div>
        <FormError error={result?.error} />
        <button className="primary" type="submit" disabled={busy}>{busy ? "Changing the password…" : "Change password"}</button>
      </Form>
      {forced && <Form method="post" action="/logout"><button className="link" type="submit">Sign out</button></Form>}
    </AuthCard>
  );
}
