// Recognising D1 constraint failures, so a duplicate key becomes CONFLICT instead of a masked error.
import { conflict, type ControlError } from "./errors";

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return `${error.message} ${String((error as { cause?: unknown }).cause ?? "")}`;
}

/** True when `error` is a UNIQUE violation on `table` (any of its unique indexes). */
export function isUniqueViolation(error: unknown, table: string): boolean {
  return errorText(error).includes(`UNIQUE constraint failed: ${table}.`);
}

export function isForeignKeyViolation(error: unknown): boolean {
  return errorText(error).includes("FOREIGN KEY constraint failed");
}

/** Runs `write`; a UNIQUE violation on `table` becomes CONFLICT with `message`. */
export async function uniqueOrConflict<T>(table: string, message: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (isUniqueViolation(error, table)) throw conflict(message) as ControlError;
    throw error;
  }
}
