// No workers test sends anything beyond this isolate. The Worker, its Durable Objects and the tests
// share one isolate (the pool runs `main` beside the tests), so replacing the global fetch here
// catches every outbound call the code under test makes (notification deliveries: webhook, email,
// SMS). A test that wants an answer registers a receiver for the host (`receiveOutbound`); any other
// call fails the way an unreachable host does (a TypeError), without a DNS lookup or a connection,
// and is kept in `blockedOutbound` so a test can assert it was attempted.
// Registered as a setup file of the workers project (vitest.config.ts); receivers reset per test.
import { afterEach } from "vitest";

export type Receiver = (request: Request) => Response | Promise<Response>;

const receivers = new Map<string, Receiver>();
/** Requests no receiver answered, oldest first (cleared per test). */
export const blockedOutbound: Request[] = [];

/** Answers outbound requests to `host` (host[:port], as in URL.host) with `receiver` until the test ends. */
export function receiveOutbound(host: string, receiver: Receiver): void {
  receivers.set(host, receiver);
}

async function guardedFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = new Request(input, init);
  const host = new URL(request.url).host;
  const receiver = receivers.get(host);
  if (receiver) return receiver(request);
  blockedOutbound.push(request);
  throw new TypeError(`outbound fetch to ${host} blocked: tests send nothing beyond loopback (register a receiver with receiveOutbound)`);
}

globalThis.fetch = guardedFetch as typeof fetch;

afterEach(() => {
  receivers.clear();
  blockedOutbound.length = 0;
});
