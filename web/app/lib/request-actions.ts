// What the approval inbox's override form refuses before it is sent, in the API's words
// (workers/admin/workflow/approval-override.ts).
import type { Problems } from "./form-problems";

const value = (form: FormData, name: string) => String(form.get(name) ?? "").trim();

export function overrideProblems(form: FormData): Problems {
  const reason = value(form, "reason");
  if (!reason) return { reason: "an admin override needs a reason" };
  if (reason.length > 500) return { reason: "must be at most 500 characters" };
  return {};
}

/** The optional freeze override reason: blank means none. */
export const freezeReason = (form: FormData): string | null => value(form, "freezeOverrideReason") || null;

// The API's E.164 rule for a mobile number (workers/admin/notifications/channel-config.ts).
const E164 = /^\+[1-9]\d{6,14}$/;

/** A mobile number for SMS: empty clears it, else E.164. */
export function mobileProblems(form: FormData): Problems {
  const mobile = value(form, "mobile");
  return mobile && !E164.test(mobile) ? { mobile: "must be an E.164 number such as +15551234567" } : {};
}
