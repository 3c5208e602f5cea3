import type { TokenRow } from "./auth.sql.js";

/**
 * How long a verified API token row is reused without asking the database again. A token
 * revoked through this process stops working at once (the entry is dropped); revoked through
 * another process, or in the database directly, it stops working within this bound.
 */
export const API_TOKEN_CACHE_MS = 5_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  row: TokenRow;
  until: number;
}

/**
 * Usable token rows by id, per database (pool), so a busy device pushing many requests a
 * second costs one token lookup every few seconds instead of one per request. Only rows the
 * database returned as usable (not revoked, not expired) are kept; every request still
 * checks its secret against the row's hash and the row's own expiry.
 */
export class TokenCache {
  private readonly entries = new Map<number, Entry>();
  /** Lookups in flight, so a burst of requests on a cold entry makes one query. */
  private readonly loading = new Map<number, { started: number; row: Promise<TokenRow | null> }>();
  /** When each token was last forgotten: a lookup that started earlier must not re-cache it. */
  private readonly forgotten = new Map<number, number>();

  constructor(private readonly ttlMs = API_TOKEN_CACHE_MS) {}

  async get(
    id: number,
    load: (id: number) => Promise<TokenRow | null>,
    now = Date.now(),
  ): Promise<TokenRow | null> {
    const cached = this.entries.get(id);
    if (cached && cached.until > now) return cached.row;
    let pending = this.loading.get(id);
    if (!pending) {
      pending = { started: performance.now(), row: load(id).finally(() => this.loading.delete(id)) };
      this.loading.set(id, pending);
    }
    const row = await pending.row;
    const forgottenAt = this.forgotten.get(id);
    if (row && (forgottenAt === undefined || forgottenAt < pending.started)) this.remember(row, now);
    else if (!row) this.entries.delete(id);
    return row;
  }

  /** Forget a token at once (revoked here): call after the revoking transaction committed. */
  forget(id: number): void {
    this.entries.delete(id);
    const now = performance.now();
    for (const [key, at] of this.forgotten) if (now - at > this.ttlMs) this.forgotten.delete(key);
    this.forgotten.set(id, now);
  }

  private remember(row: TokenRow, now: number): void {
    this.entries.delete(row.id);
    if (this.entries.size >= MAX_ENTRIES) {
      // Oldest first (insertion order): a cache this full is under attack or misconfigured.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(row.id, { row, until: now + this.ttlMs });
  }
}

const caches = new WeakMap<object, TokenCache>();

/** The cache for one database handle (the app's pool); transactions' clients get their own. */
export function tokenCacheOf(db: object): TokenCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new TokenCache();
    caches.set(db, cache);
  }
  return cache;
}
