// Reads a paged API list (at most 100 per page) to the end, bounded: a dashboard over a team's flags
// shows every flag up to maxPages pages and says so when there are more.
export interface Page<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}

export async function pageAll<T>(read: (after: string | null) => Promise<Page<T>>, maxPages = 10): Promise<{ nodes: T[]; truncated: boolean }> {
  const nodes: T[] = [];
  let after: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const { nodes: batch, pageInfo }: Page<T> = await read(after);
    nodes.push(...batch);
    if (!pageInfo.hasNextPage || !pageInfo.endCursor) return { nodes, truncated: false };
    after = pageInfo.endCursor;
  }
  return { nodes, truncated: true };
}
