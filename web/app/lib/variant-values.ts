// Variant values are JSON of the feature's type; the editor checks them as they are typed.
export type ValueTypeName = "BOOLEAN" | "STRING" | "NUMBER" | "JSON";

/** Why `text` is not a JSON value of `type`, or null. */
export function variantValueProblem(type: ValueTypeName, text: string): string | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return type === "STRING" ? 'Strings are JSON: wrap the text in double quotes, e.g. "Buy now".' : "Not valid JSON.";
  }
  switch (type) {
    case "BOOLEAN": return typeof value === "boolean" ? null : "Enter true or false.";
    case "STRING": return typeof value === "string" ? null : 'Enter a JSON string, e.g. "Buy now".';
    case "NUMBER": return typeof value === "number" ? null : "Enter a number.";
    default: return value !== null && typeof value === "object" ? null : "Enter a JSON object or array.";
  }
}
