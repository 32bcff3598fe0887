// Variant values against the feature's type. The admin API carries values JSON-encoded (the seed's
// `value: "{\"color\": \"blue\"}"` with `valueType: JSON`), so one string field serves every type.
import type { JsonValue } from "../../../engine/types";
import { badInput } from "../core/errors";
import type { FlagTypeName } from "./feature-state";

export const VARIANT_KEY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
export const VARIANT_KEY_MESSAGE = "must be 1-100 characters: letters, digits, '_', '.' or '-', starting with a letter or digit";

const TYPE_LABELS: Record<FlagTypeName, string> = {
  boolean: "true or false", string: "a JSON string", number: "a finite number", json: "a JSON object or array",
};

/** Parses a JSON-encoded value and checks it against the type; BAD_USER_INPUT at `field` otherwise. */
export function parseVariantValue(encoded: string, type: FlagTypeName, field: string): JsonValue {
  let value: unknown;
  try {
    value = JSON.parse(encoded);
  } catch {
    throw badInput(field, `${field}: is not valid JSON (a ${type} variant's value is ${TYPE_LABELS[type]}, JSON-encoded)`);
  }
  if (!matchesType(value, type)) throw badInput(field, `${field}: a ${type} variant's value must be ${TYPE_LABELS[type]}`);
  return value as JsonValue;
}

export function matchesType(value: unknown, type: FlagTypeName): boolean {
  switch (type) {
    case "boolean": return typeof value === "boolean";
    case "string": return typeof value === "string";
    case "number": return typeof value === "number" && Number.isFinite(value);
    case "json": return typeof value === "object" && value !== null;
  }
}
