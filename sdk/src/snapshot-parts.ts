// Joins `snapshot_part` frames of one large snapshot. A part of another snapshot (a newer one
// started, or a reconnect) discards what was collected; a complete set is parsed and checked.
import type { FlagSetDocument } from "../../engine/types";
import type { SnapshotPartMessage } from "../../protocol/stream";
import { isFlagSetDocument } from "./document";

export class SnapshotParts {
  private key = "";
  private parts: string[] = [];
  private received = 0;

  /** The document once every part arrived; undefined while incomplete. Throws on a bad whole. */
  add(message: SnapshotPartMessage): FlagSetDocument | undefined {
    const key = `${message.version}:${message.contentHash}:${message.parts}`;
    if (key !== this.key) this.reset(key, message.parts);
    if (!Number.isInteger(message.part) || message.part < 0 || message.part >= message.parts) {
      throw new Error(`snapshot_part ${message.part} out of range 0..${message.parts - 1}`);
    }
    if (this.parts[message.part] === undefined) this.received += 1;
    this.parts[message.part] = message.data;
    if (this.received < message.parts) return undefined;
    const text = this.parts.join("");
    this.reset("", 0);
    const document: unknown = JSON.parse(text);
    if (!isFlagSetDocument(document) || document.version !== message.version || document.contentHash !== message.contentHash) {
      throw new Error("joined snapshot_part frames are not the announced document");
    }
    return document;
  }

  reset(key = "", parts = 0): void {
    this.key = key;
    this.parts = new Array<string>(parts);
    this.received = 0;
  }
}
