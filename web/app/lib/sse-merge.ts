// Several SSE streams as one: whole events (blocks ending in a blank line) from each source, never
// interleaved mid-event. The merged stream ends when any source ends or fails, so the browser's
// EventSource reconnects and every source is opened afresh (one dead feed never goes unnoticed).
// Platform-free (web streams only) so node tests exercise it directly.

const encoder = new TextEncoder();

export function mergeEventStreams(sources: ReadableStream<Uint8Array>[], onClose: () => void = () => {}): ReadableStream<Uint8Array> {
  const readers = sources.map((s) => s.getReader());
  let closed = false;
  const closeAll = (controller: ReadableStreamDefaultController<Uint8Array>) => {
    if (closed) return;
    closed = true;
    for (const reader of readers) reader.cancel().catch(() => {});
    onClose();
    try {
      controller.close();
    } catch {
      // already closed by a cancel
    }
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      for (const reader of readers) {
        void (async () => {
          const decoder = new TextDecoder();
          let buffer = "";
          try {
            for (;;) {
              const { done, value } = await reader.read();
              if (done || closed) break;
              buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
              let end: number;
              while ((end = buffer.indexOf("\n\n")) !== -1) {
                const event = buffer.slice(0, end + 2);
                buffer = buffer.slice(end + 2);
                if (!closed) controller.enqueue(encoder.encode(event));
              }
            }
          } catch {
            // a failed source ends the merged stream like a finished one
          }
          closeAll(controller);
        })();
      }
    },
    cancel() {
      closed = true;
      for (const reader of readers) reader.cancel().catch(() => {});
      onClose();
    },
  });
}
