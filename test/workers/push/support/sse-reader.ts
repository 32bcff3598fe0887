// A test's end of a text/event-stream response: parses frames (per the HTML SSE rules this
// stream uses: `field: value` lines, blank line ends a frame, `:` comments) and hands them out
// one at a time with a timeout. Used for the OFREP stream and graphql-yoga's subscription stream.
export interface SseFrame {
  event?: string;
  id?: string;
  data?: string;
  retry?: string;
  /** Comment lines (without the leading colon and space). */
  comments: string[];
}

/** Readers not cancelled yet: a test that fails half-way leaves its stream open, afterEach closes it. */
const open = new Set<SseReader>();

/** Cancels every reader still open (register as afterEach), so a failed test cannot hold a stream into the next one. */
export async function cancelOpenReaders(): Promise<void> {
  await Promise.all([...open].map((reader) => reader.cancel()));
}

export class SseReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();
  private buffer = "";
  private readonly frames: SseFrame[] = [];
  ended = false;

  constructor(readonly response: Response) {
    if (!response.body) throw new Error(`no body (status ${response.status})`);
    this.reader = response.body.getReader();
    open.add(this);
  }

  /** The next frame that satisfies `accept` (skipping others), within `timeoutMs`. */
  async next(accept: (frame: SseFrame) => boolean = () => true, timeoutMs = 3000): Promise<SseFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex(accept);
      if (index >= 0) return this.frames.splice(index, 1)[0]!;
      this.frames.length = 0;
      if (this.ended) throw new Error("stream ended");
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching frame within ${timeoutMs} ms`);
      await this.read(left);
    }
  }

  /** The next frame carrying data (a dispatched event). */
  nextEvent(timeoutMs = 3000): Promise<SseFrame> {
    return this.next((frame) => frame.data !== undefined, timeoutMs);
  }

  /** Resolves true when the stream ends within `timeoutMs` (frames in between are dropped). */
  async endsWithin(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await this.read(left);
    }
    return true;
  }

  /** Frames received so far that were not taken. */
  pending(): SseFrame[] {
    return [...this.frames];
  }

  async cancel(): Promise<void> {
    open.delete(this);
    await this.reader.cancel().catch(() => undefined);
  }

  private async read(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    const result = await Promise.race([this.reader.read(), timeout]);
    clearTimeout(timer);
    if (result === "timeout") return;
    if (result.done) {
      this.ended = true;
      return;
    }
    this.buffer += this.decoder.decode(result.value, { stream: true });
    let end: number;
    while ((end = this.buffer.indexOf("\n\n")) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      this.frames.push(parseFrame(block));
    }
  }
}

export function parseFrame(block: string): SseFrame {
  const frame: SseFrame = { comments: [] };
  for (const line of block.split("\n")) {
    if (line.startsWith(":")) {
      frame.comments.push(line.slice(1).trimStart());
      continue;
    }
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "data") frame.data = frame.data === undefined ? value : `${frame.data}\n${value}`;
    else if (field === "event" || field === "id" || field === "retry") frame[field] = value;
  }
  return frame;
}
