// Security: rotating the key that signs sign-in tokens (system admins). Rotation is for a key that
// may have leaked, or routine hygiene: new tokens are signed with a new key at once, while tokens
// already issued stay valid until they expire (the old key only verifies from then on).
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { ConfirmButton } from "~/components/ConfirmButton";
import { SectionError } from "~/components/settings/SectionError";
import { RotateSigningKeyDoc } from "~/lib/docs/governance";
import { text } from "~/lib/form";
import { perform, unknownIntent } from "~/lib/settings-action.server";
import { useShell } from "./_app";

type Rotated = Awaited<ReturnType<typeof action>>;

export const meta: MetaFunction = () => [{ title: "Security · Settings · FluxGate" }];
export { SectionError as ErrorBoundary };

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  if (text(form, "intent") !== "rotate") return unknownIntent();
  return perform(() => context.auth.gql(RotateSigningKeyDoc, {}), (r) => r.rotateSigningKey);
}

export default function Security() {
  const { me } = useShell();
  return (
    <div className="stack">
      <h1>Security</h1>
      <section className="card stack" aria-labelledby="key-title">
        <h2 id="key-title">Token signing key</h2>
        <p>Every sign-in gets a token signed with the installation's signing key. Rotating it makes a new key sign every
          token from now on. Sessions already signed in continue: their tokens stay valid until they expire, because the old
          key keeps verifying them until then. To end sessions at once, sign them out (Your account, or Users).</p>
        {me.isSystemAdmin
          ? <div className="row">
              <ConfirmButton<Rotated> fields={{ intent: "rotate" }} label="Rotate signing key" title="Rotate the signing key?" confirmLabel="Rotate the key"
                pendingLabel="Rotating…" done={(r) => (
                  <p className="notice" role="status">New key <span className="mono">{r.kid}</span> signs from now on.
                    {r.retiredKids.length > 0 && <> Still verifying until their tokens expire: <span className="mono">{r.retiredKids.join(", ")}</span>.</>}</p>
                )}>
                <p>A new key signs every token from now on. Existing sessions stay signed in until their tokens expire.</p>
              </ConfirmButton>
            </div>
          : <p className="muted">Only a system admin may rotate the signing key.</p>}
      </section>
    </div>
  );
}
