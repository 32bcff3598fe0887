// Persistence of the last snapshot across restarts (optional): the SDK loads it at start (so an
// app that starts offline still serves the last known flags) and saves every new version.
import type { FlagSetDocument } from "../../engine/types";
import { isFlagSetDocument } from "./document";

/** Where the last snapshot is kept. Both methods may be sync or async; failures are logged, never thrown to the app. */
export interface SnapshotStorage {
  load(): FlagSetDocument | undefined | Promise<FlagSetDocument | undefined>;
  save(document: FlagSetDocument): void | Promise<void>;
}

/** The part of the Web Storage API used (window.localStorage, sessionStorage, or a compatible shim). */
export interface WebStorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Keeps the snapshot in `localStorage` (browsers). One key per environment/credential you choose. */
export class LocalStorageSnapshotStorage implements SnapshotStorage {
  constructor(
    private readonly key = "fluxgate:snapshot",
    private readonly storage: WebStorageLike | undefined = (globalThis as { localStorage?: WebStorageLike }).localStorage,
  ) {}

  load(): FlagSetDocument | undefined {
    const text = this.storage?.getItem(this.key);
    return text ? parseSnapshot(text) : undefined;
  }

  save(document: FlagSetDocument): void {
    this.storage?.setItem(this.key, JSON.stringify(document));
  }
}

/** Keeps the snapshot in memory (tests; several clients in one process sharing the last one). */
export class MemorySnapshotStorage implements SnapshotStorage {
  private document: FlagSetDocument | undefined;
  load(): FlagSetDocument | undefined {
    return this.document;
  }
  save(document: FlagSetDocument): void {
    this.document = document;
  }
}

/** The document in `text`, or undefined when it is not a FlagSetDocument of this schema. */
export function parseSnapshot(text: string): FlagSetDocument | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isFlagSetDocument(value) ? value : undefined;
  } catch {
    return undefined;
  }
}
