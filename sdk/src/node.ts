// Node-only parts of the SDK (`@fluxgate/sdk/node`), kept out of the main entry so browser and
// Worker bundles never see node:fs.
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { FlagSetDocument } from "../../engine/types";
import { parseSnapshot, type SnapshotStorage } from "./storage";

/**
 * Keeps the last snapshot in a JSON file. Writes go to a temporary file that is then renamed,
 * so a crash mid-write never leaves a torn snapshot behind.
 */
export class FileSnapshotStorage implements SnapshotStorage {
  constructor(private readonly file: string) {}

  async load(): Promise<FlagSetDocument | undefined> {
    try {
      return parseSnapshot(await readFile(this.file, "utf8"));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  }

  async save(document: FlagSetDocument): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(document));
    await rename(temporary, this.file);
  }
}
