// A form's submit button that shows its own submission pending: disabled, with `pendingLabel`, while
// Remix submits the navigation whose form data carries `match` (e.g. { intent: "overview" }; the
// button's own name/value is part of the submission, a hidden `intent` too). Without JavaScript it
// is a plain submit button.
import { useNavigation } from "@remix-run/react";
import type { ButtonHTMLAttributes, ReactNode } from "react";

type Props = ButtonHTMLAttributes<HTMLButtonElement> & {
  match: Record<string, string>;
  pendingLabel: ReactNode;
};

export function SubmitButton({ match, pendingLabel, children, disabled, ...rest }: Props) {
  const navigation = useNavigation();
  const pending = navigation.state === "submitting"
    && Object.entries(match).every(([name, value]) => navigation.formData?.get(name) === value);
  return (
    <button type="submit" {...rest} disabled={disabled || pending} aria-busy={pending || undefined}>
      {pending ? pendingLabel : children}
    </button>
  );
}
