// A fetch that records every exchange (request headers and body, response status, headers and
// parsed body) so tests can assert on what an OpenFeature provider actually sent and received.
export interface RecordedExchange {
  method: string;
  url: URL;
  requestHeaders: Headers;
  requestBody: string;
  status: number;
  responseHeaders: Headers;
  /** The raw response text ("" for 304 and other empty bodies). */
  responseText: string;
  /** The parsed JSON body, or undefined when the body is empty or not JSON. */
  responseJson: unknown;
}

export interface RecordingFetch {
  fetch: typeof fetch;
  exchanges: RecordedExchange[];
}

export function recordingFetch(inner: typeof fetch = globalThis.fetch.bind(globalThis)): RecordingFetch {
  const exchanges: RecordedExchange[] = [];
  const recorder = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const requestBody = await request.clone().text();
    const response = await inner(request);
    const responseText = await response.clone().text();
    exchanges.push({
      method: request.method,
      url: new URL(request.url),
      requestHeaders: new Headers(request.headers),
      requestBody,
      status: response.status,
      responseHeaders: new Headers(response.headers),
      responseText,
      responseJson: parseJson(responseText),
    });
    return response;
  };
  return { fetch: recorder as typeof fetch, exchanges };
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
