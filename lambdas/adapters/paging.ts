// Pagination and batching shared by the adapters: every AWS list call here pages, and every call that takes
// IDs has a per-request limit.

export interface Page<T, Token> {
  readonly items: readonly T[] | undefined;
  readonly next: Token | undefined;
}

/**
 * Calls `fetchPage` until it returns no continuation token and returns every item. A fresh request is built for
 * each page (the SDK paginators reuse and mutate one input object, which hides the per-page token from tests).
 */
export async function collectPages<T, Token>(
  fetchPage: (token: Token | undefined) => Promise<Page<T, Token>>,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let token: Token | undefined;
  do {
    const page = await fetchPage(token);
    items.push(...(page.items ?? []));
    token = page.next === '' ? undefined : page.next;
    if (token !== undefined) {
      // A service that repeats a token would keep the Lambda busy until its timeout; fail loudly instead.
      const key = JSON.stringify(token);
      if (seen.has(key)) throw new Error(`Pagination did not advance (token repeated: ${key.slice(0, 80)})`);
      seen.add(key);
    }
  } while (token !== undefined);
  return items;
}

/** Splits `items` into consecutive batches of at most `size`. */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunk size must be a positive integer, got ${size}`);
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

/**
 * Splits `items` into consecutive batches of at most `maxCount` items and `maxBytes` bytes as `sizeOf` counts them
 * (an item larger than `maxBytes` alone is still a batch: the service says what it refuses).
 */
export function chunkByCountAndBytes<T>(
  items: readonly T[],
  maxCount: number,
  maxBytes: number,
  sizeOf: (item: T) => number,
): T[][] {
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const itemBytes = sizeOf(item);
    if (current.length > 0 && (current.length === maxCount || bytes + itemBytes > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += itemBytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** The distinct values, first occurrence first. */
export function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
