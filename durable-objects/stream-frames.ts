// Pure helpers of the live-delivery protocol on the object's side: reading a client frame and
// cutting a snapshot into frames below MAX_SERVER_FRAME_BYTES. No platform state here.
import type { FlagSetDocument } from "../engine/types";
import {
  MAX_CLIENT_MESSAGE_BYTES, MAX_SERVER_FRAME_BYTES, STREAM_PROTOCOL_VERSION,
  type ClientMessage, type SnapshotId, type SnapshotPartMessage, type StreamErrorCode,
} from "../protocol/stream";

const encoder = new TextEncoder();

/** Whether the text's UTF-8 form has at most `limit` bytes (encodes only when the length cannot tell). */
export function fitsInBytes(text: string, limit: number): boolean {
  if (text.length * 3 <= limit) return true;
  if (text.length > limit) return false;
  return encoder.encode(text).length <= limit;
}

export interface FrameError {
  code: StreamErrorCode;
  message: string;
}

/** The client message a frame holds, or the protocol error it is. */
export function parseClientFrame(frame: string | ArrayBuffer): ClientMessage | FrameError {
  if (typeof frame !== "string") return { code: "PROTOCOL_ERROR", message: "binary frames are not supported; send JSON text" };
  if (!fitsInBytes(frame, MAX_CLIENT_MESSAGE_BYTES)) {
    return { code: "MESSAGE_TOO_BIG", message: `client frames are limited to ${MAX_CLIENT_MESSAGE_BYTES} bytes` };
  }
  let value: unknown;
  try {
    value = JSON.parse(frame);
  } catch {
    return { code: "PROTOCOL_ERROR", message: "frame is not JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { code: "PROTOCOL_ERROR", message: "frame is not a JSON object" };
  }
  const message = value as Record<string, unknown>;
  switch (message.type) {
    case "hello": {
      if (message.protocol !== STREAM_PROTOCOL_VERSION) {
        return { code: "PROTOCOL_ERROR", message: `unsupported protocol ${JSON.stringify(message.protocol)}; this server speaks ${STREAM_PROTOCOL_VERSION}` };
      }
      if (message.sdk !== undefined && typeof message.sdk !== "string") return { code: "PROTOCOL_ERROR", message: "hello.sdk must be a string" };
      if (message.since === undefined) return { type: "hello", protocol: STREAM_PROTOCOL_VERSION };
      const since = readSnapshotId(message.since);
      if (!since) return { code: "PROTOCOL_ERROR", message: "hello.since must be {version: non-negative integer, contentHash: string}" };
      return { type: "hello", protocol: STREAM_PROTOCOL_VERSION, since };
    }
    case "ack":
      if (!isVersion(message.version)) return { code: "PROTOCOL_ERROR", message: "ack.version must be a non-negative integer" };
      return { type: "ack", version: message.version };
    case "resync":
      return { type: "resync" };
    default:
      return { code: "PROTOCOL_ERROR", message: `unknown message type ${JSON.stringify(message.type)}` };
  }
}

export const isFrameError = (value: ClientMessage | FrameError): value is FrameError => "code" in value;

function readSnapshotId(value: unknown): SnapshotId | null {
  if (typeof value !== "object" || value === null) return null;
  const { version, contentHash } = value as Record<string, unknown>;
  return isVersion(version) && typeof contentHash === "string" ? { version, contentHash } : null;
}

function isVersion(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

/** Room for a snapshot_part frame's own fields around its data. */
const PART_OVERHEAD_BYTES = 1024;
/** A JSON-escaped character takes at most 3 UTF-8 bytes (quotes and backslashes 2, others as is). */
const PART_CHARS = Math.floor((MAX_SERVER_FRAME_BYTES - PART_OVERHEAD_BYTES) / 3);

/** The frames (JSON text) carrying a snapshot: one `snapshot`, or `snapshot_part`s when it is larger. */
export function snapshotFrames(document: FlagSetDocument): string[] {
  const whole = JSON.stringify({ type: "snapshot", document });
  if (fitsInBytes(whole, MAX_SERVER_FRAME_BYTES)) return [whole];
  const text = JSON.stringify(document);
  const slices: string[] = [];
  for (let start = 0; start < text.length;) {
    let end = Math.min(start + PART_CHARS, text.length);
    // Never split a surrogate pair: each slice must be valid UTF-16 on its own.
    if (end < text.length && isHighSurrogate(text.charCodeAt(end - 1))) end--;
    slices.push(text.slice(start, end));
    start = end;
  }
  return slices.map((data, part) => JSON.stringify({
    type: "snapshot_part", version: document.version, contentHash: document.contentHash,
    part, parts: slices.length, data,
  } satisfies SnapshotPartMessage));
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/** The `current` frame for a document. */
export const currentFrame = (document: FlagSetDocument) =>
  JSON.stringify({ type: "current", version: document.version, contentHash: document.contentHash });
