import { HotlistMatcher } from "@gridops/camera-adapters/plates/index";
import type { Queryable } from "../../db/pool.js";
import type { Logger } from "../../logger.js";
import { selectConfigVersion } from "../plates/plate-devices.sql.js";
import { type LiveEntryRow, selectEntriesChangedSince, selectLiveEntries } from "./hotlists.sql.js";

/**
 * The live hotlist entries in a HotlistMatcher, per process. Every hotlist change bumps the
 * `hotlists` config version in the same transaction; ingest checks it once per batch and
 * then applies only the entries changed since its last look (with an overlap, so a change
 * committed a little late is not missed), and reloads everything every `fullReloadMs`.
 * Expiry is checked at match time, and callers confirm candidates against the table before
 * recording a hit, so a removed or expired entry never produces one.
 */
export class HotlistMatcherCache {
  private matcher = new HotlistMatcher();
  private entries = new Map<string, LiveEntryRow>();
  private version = -1;
  private fullAt = 0;
  private newestChange = new Date(0);
  private refreshing: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(
    private readonly log: Logger,
    private readonly fullReloadMs = 5 * 60_000,
    private readonly overlapMs = 10_000,
  ) {}

  get size(): number {
    return this.matcher.size;
  }

  /**
   * Brings the matcher up to date when the version moved. Concurrent callers (several batches
   * in flight) share the work: a cold start used to load 100,000 entries once per concurrent
   * batch. A caller arriving while a refresh runs waits for the next one (shared by everyone
   * arriving meanwhile), which starts after it: a change committed before the call is seen.
   * Reading on the pool rather than the batch's transaction sees the same committed data
   * (READ COMMITTED) and keeps the load out of that transaction.
   */
  refreshIfChanged(db: Queryable): Promise<void> {
    if (!this.refreshing) {
      this.refreshing = this.refresh(db).finally(() => {
        this.refreshing = null;
      });
      return this.refreshing;
    }
    this.queued ??= this.refreshing
      .catch(() => {})
      .then(() => {
        this.queued = null;
        return this.refreshIfChanged(db);
      });
    return this.queued;
  }

  private async refresh(db: Queryable): Promise<void> {
    const version = await selectConfigVersion(db, "hotlists");
    const now = Date.now();
    if (version === this.version && now - this.fullAt < this.fullReloadMs) return;
    if (this.version < 0 || now - this.fullAt >= this.fullReloadMs) await this.reloadAll(db);
    else await this.applyChanges(db);
    this.version = version;
  }

  private async reloadAll(db: Queryable): Promise<void> {
    const started = Date.now();
    const rows = await selectLiveEntries(db);
    this.matcher = new HotlistMatcher(
      rows.map((r) => ({ id: String(r.id), plate: r.plate_text, level: r.match_level })),
    );
    this.entries = new Map(rows.map((r) => [String(r.id), r]));
    this.newestChange = rows.reduce((max, r) => (r.updated_at > max ? r.updated_at : max), new Date(0));
    this.fullAt = Date.now();
    this.log.debug({ entries: rows.length, ms: this.fullAt - started }, "hotlist matcher reloaded");
  }

  private async applyChanges(db: Queryable): Promise<void> {
    const since = new Date(this.newestChange.getTime() - this.overlapMs);
    for (const row of await selectEntriesChangedSince(db, since)) {
      const id = String(row.id);
      if (row.live) {
        this.matcher.add({ id, plate: row.plate_text, level: row.match_level });
        this.entries.set(id, row);
      } else {
        this.matcher.remove(id);
        this.entries.delete(id);
      }
      if (row.updated_at > this.newestChange) this.newestChange = row.updated_at;
    }
  }

  /** Entries this plate (of this colour) matches that have not expired. */
  match(plate: string, colour: string): LiveEntryRow[] {
    const now = Date.now();
    return this.matcher
      .match(plate)
      .map((id) => this.entries.get(id))
      .filter((e): e is LiveEntryRow => e !== undefined && e.expires_at.getTime() > now)
      .filter((e) => e.plate_colour === null || colour === "unknown" || e.plate_colour === colour);
  }
}
