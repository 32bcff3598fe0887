// Shared by the delivery and governance settings' form models (one module per screen beside this
// one): what each form sends to the API and what it refuses before submitting, mirroring the API's
// own checks so a mistake is named next to its field without a round trip. The API checks again
// and has the last word. Pure: the actions and the browser both use them.

export const strings = (form: FormData, name: string) => form.getAll(name).map(String).map((s) => s.trim()).filter(Boolean);
export const str = (form: FormData, name: string) => String(form.get(name) ?? "").trim();
export const checked = (form: FormData, name: string) => form.get(name) === "on" || form.get(name) === "true";
