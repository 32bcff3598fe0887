// Shared by the delivery and governance settings' form models (one module per screen beside this
// one): what each form sends to the API and what it refuses before submitting, mirroring the API's
// own checks so a mistake is named next to its field without a round trip. The API checks again
// and has the last word. Pure: the actions and the browser both use them.

/** Field name -> what to fix. Empty: the form may be sent. */
export type Problems = Record<string, string>;

export const strings = (form: FormData, name: string) => form.getAll(name).map(String).map((s) => s.trim()).filter(Boolean);
export const str = (form: FormData, name: string) => String(form.get(name) ?? "").trim();
export const checked = (form: FormData, name: string) => form.get(name) === "on" || form.get(name) === "true";

/** An API error's field ("input.webOrigins.0", "input.defaults.percentages.1") as the form's field name. */
export function formField(apiField: string | undefined): string | undefined {
  if (!apiField) return undefined;
  return apiField.split(".").find((part) => !["input", "variables", "defaults"].includes(part));
}
