// GraphQL over WebSocket on /graphql with the graphql-transport-ws protocol, for clients such as
// graphql-ws's createClient (the seed's "WebSocket subscriptions with auto-reconnection": the
// client reconnects, see docs/ANALYTICS.md). The protocol is graphql-ws's own server (makeServer:
// platform-free, no Node `ws`) on a Worker WebSocket; operations run through the same yoga
// instance as HTTP (yoga.getEnveloped: the same schema, limits, introspection guard and error
// masking). The caller signs in with the connection_init payload {authorization: "Bearer <token>"}
// (browsers cannot set headers on a WebSocket), or an Authorization header on the upgrade request.
import { CloseCode, handleProtocols, makeServer, type ExecutionResult } from "graphql-ws";
import { GraphQLError, type ExecutionArgs } from "graphql";
import type { Env } from "../../env";
import { MAX_GRAPHQL_BODY_BYTES } from "./body-limit";
import { controlYoga } from "./yoga";

export const isWebSocketUpgrade = (request: Request) => request.headers.get("upgrade")?.toLowerCase() === "websocket";

type ConnectionParams = Record<string, unknown> & { authorization?: unknown; Authorization?: unknown };

/** What yoga's envelope hands back for one operation; carried to execute/subscribe in rootValue. */
interface Envelope {
  execute(args: ExecutionArgs): Promise<ExecutionResult> | ExecutionResult;
  subscribe(args: ExecutionArgs): unknown;
}

function refuse(status: number, code: string, message: string): Response {
  return Response.json({ errors: [{ message, extensions: { code } }] }, { status });
}

/** Accepts the upgrade and serves graphql-transport-ws on it until either side closes. */
export function graphqlWebSocket(request: Request, env: Env, executionCtx?: Pick<ExecutionContext, "waitUntil">): Response {
  const protocol = handleProtocols(request.headers.get("sec-websocket-protocol") ?? "");
  if (!protocol) {
    return refuse(400, "BAD_REQUEST", "offer the WebSocket subprotocol graphql-transport-ws (e.g. graphql-ws's createClient); other clients POST /graphql");
  }
  const yoga = controlYoga();
  const closing = new AbortController();
  const upgradeAuthorization = request.headers.get("authorization");
  const server = makeServer<ConnectionParams>({
    execute: (args) => (args.rootValue as Envelope).execute(args),
    subscribe: (args) => (args.rootValue as Envelope).subscribe(args) as ReturnType<Envelope["execute"]>,
    onConnect: (ctx) => {
      const authorization = ctx.connectionParams?.authorization ?? ctx.connectionParams?.Authorization;
      return authorization === undefined || typeof authorization === "string";
    },
    onSubscribe: async (ctx, _id, payload) => {
      const params = ctx.connectionParams;
      const authorization = (params?.authorization ?? params?.Authorization ?? upgradeAuthorization) as string | null;
      const headers = new Headers({ "content-type": "application/json" });
      if (authorization) headers.set("authorization", authorization);
      // The operation's request as yoga's context sees it: the caller's credential, and a signal
      // that aborts when the socket closes (subscriptions close their event feeds on it).
      const operationRequest = new Request(request.url, { method: "POST", headers, signal: closing.signal });
      const enveloped = yoga.getEnveloped({ request: operationRequest, env, executionCtx, params: payload } as never);
      let document;
      try {
        document = enveloped.parse(payload.query);
      } catch (error) {
        if (error instanceof GraphQLError) return [error];
        throw error;
      }
      const args: ExecutionArgs = {
        schema: enveloped.schema, operationName: payload.operationName, document, variableValues: payload.variables,
        contextValue: await enveloped.contextFactory(),
        rootValue: { execute: enveloped.execute, subscribe: enveloped.subscribe } satisfies Envelope,
      };
      const errors = enveloped.validate(args.schema, args.document);
      return errors.length > 0 ? errors : args;
    },
  });

  const [client, socket] = Object.values(new WebSocketPair()) as [WebSocket, WebSocket];
  socket.accept();
  let deliver: ((data: string) => Promise<void>) | null = null;
  const closed = server.opened({
    protocol,
    send: (data) => {
      if (socket.readyState === WebSocket.OPEN) socket.send(data);
    },
    close: (code, reason) => socket.close(code, reason),
    onMessage: (callback) => {
      deliver = callback;
    },
  }, undefined);
  socket.addEventListener("message", (event) => {
    const data = typeof event.data === "string" ? event.data : new TextDecoder().decode(event.data);
    if (data.length > MAX_GRAPHQL_BODY_BYTES) {
      socket.close(1009, "Message too big");
      return;
    }
    deliver?.(data).catch((error: unknown) => {
      console.error("graphql-ws: an operation failed", error);
      if (socket.readyState === WebSocket.OPEN) socket.close(CloseCode.InternalServerError, "Internal server error");
    });
  });
  socket.addEventListener("close", (event) => {
    closing.abort();
    void closed(event.code, event.reason);
  });
  return new Response(null, { status: 101, webSocket: client, headers: { "sec-websocket-protocol": protocol } });
}
