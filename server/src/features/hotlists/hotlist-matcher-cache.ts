import { HotlistMatcher } from "@gridops/camera-adapters/plates/index";
import type { Queryable } from "../../db/pool.js";
import type { Logger } from "../../logger.js";
import { selectConfigVersion } from "../plates/plate-devices.sql.js";
import { type LiveEntryRow, selectLiveEntries } from "./hotlists.sql.js";

/**
 * The live hotlist entries in a HotlistMatcher, per process. Every hotlist change bumps the
 * `hotlists` config version in the same transaction; ingest checks it per batch and reloads
 * (at most once per `minReloadMs`, so a bulk import does not stall ingest). Between a change
 * and the reload a removed or expired entry may still be *proposed*, which is why callers
 * confirm candidates against the table before recording a hit; expiry is also checked here.
 */
export class HotlistMatcherCache {
  private matcher = new HotlistMatcher();
  private entries = new Map<string, LiveEntryRow>();
  private version = -1;
  private loadedAt = 0;

  constructor(
    private readonly log: Logger,
    private readonly minReloadMs = 2000,
  ) {}

  get size(): number {
    return this.matcher.size;
  }

  /** Reloads when the version moved (or on first use). Pass the batch's transaction client. */
  async refreshIfChanged(db: Queryable): Promise<void> {
    const version = await selectConfigVersion(db, "hotlists");
    if (version === this.version) return;
    if (this.version >= 0 && Date.now() - this.loadedAt < this.minReloadMs) return;
    const started = Date.now();
    const rows = await selectLiveEntries(db);
    const matcher = new HotlistMatcher(
      rows.map((r) => ({ id: String(r.id), plate: r.plate_text, level: r.match_level })),
    );
    this.matcher = matcher;
    this.entries = new Map(rows.map((r) => [String(r.id), r]));
    this.version = version;
    this.loadedAt = Date.now();
    this.log.debug(
      { entries: rows.length, ms: this.loadedAt - started, version },
      "hotlist matcher reloaded",
    );
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
