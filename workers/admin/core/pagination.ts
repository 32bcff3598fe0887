// Pagination for every list of the control plane: `first` (1..100, default 25) and an opaque
// `after` cursor (the offset of the next row, base64url-encoded). Lists fetch `limit + 1` rows to
// know whether another page exists, so a page costs one query. Cursors are offsets: stable for the
// append-mostly, ordered lists of the admin API, and cheap; a row inserted before the cursor
// between two requests shifts the next page by one.
import { badInput } from "./errors";

export const DEFAULT_PAGE_SIZE = 25;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface PageWindow {
  /** Rows to return. */
  limit: number;
  offset: number;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  nodes: T[];
  pageInfo: PageInfo;
}

export function pageWindow(args: PageArgs): PageWindow {
  const limit = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
    throw badInput("first", `first must be an integer between 1 and ${MAX_PAGE_SIZE}`);
  }
  return { limit, offset: args.after ? decodeCursor(args.after) : 0 };
}

/** `rows` were fetched with `LIMIT window.limit + 1 OFFSET window.offset`. */
export function toConnection<T>(rows: T[], window: PageWindow): Connection<T> {
  const nodes = rows.slice(0, window.limit);
  const end = window.offset + nodes.length;
  return {
    nodes,
    pageInfo: { hasNextPage: rows.length > window.limit, endCursor: nodes.length ? encodeCursor(end) : null },
  };
}

export function encodeCursor(offset: number): string {
  return btoa(`o:${offset}`).replaceAll("=", "");
}

function decodeCursor(cursor: string): number {
  let text: string;
  try {
    text = atob(cursor);
  } catch {
    throw badInput("after", "after is not a valid cursor");
  }
  const match = /^o:(\d{1,9})$/.exec(text);
  if (!match) throw badInput("after", "after is not a valid cursor");
  return Number(match[1]);
}
