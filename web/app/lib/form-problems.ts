// What a checked form refuses, by field, and where the API's refusal belongs: the console's forms
// check their input before it is sent (the same rules the action and the API apply) and show the
// API's own refusal at the field its extensions.field names. Pure: actions, models and the browser use it.

/** Field name -> what to fix. Empty: the form may be sent. */
export type Problems = Record<string, string>;

// Wrappers the API and the console's actions put before the field itself: the mutation's argument
// ("input", "variables") and a template's nested "defaults".
const WRAPPERS = new Set(["input", "variables", "defaults"]);

/**
 * The form field an API error's `extensions.field` names, among the form's `fields`: the longest
 * field the path starts with once its wrappers are dropped ("input.webOrigins.0" -> "webOrigins",
 * "input.attributes.3.name" -> "attributes.3" when that row is a field, else "attributes").
 * Undefined when no field of the form matches: the refusal is then shown under the form.
 */
export function problemField(apiField: string | undefined, fields: Iterable<string>): string | undefined {
  if (!apiField) return undefined;
  const parts = apiField.split(".");
  while (parts.length > 0 && WRAPPERS.has(parts[0]!)) parts.shift();
  const known = new Set(fields);
  for (let length = parts.length; length > 0; length--) {
    const name = parts.slice(0, length).join(".");
    if (known.has(name)) return name;
  }
  return undefined;
}
