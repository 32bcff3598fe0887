// Small helpers for reading submitted forms in actions.
export function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
}

export function optionalText(form: FormData, name: string): string | undefined {
  return text(form, name) || undefined;
}

/** A same-site path to return to after a form, never an absolute URL (no open redirect). */
export function safeNext(value: string | null | undefined, fallback = "/flags"): string {
  return value && value.startsWith("/") && !value.startsWith("//") ? value : fallback;
}
