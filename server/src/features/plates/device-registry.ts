import type { Queryable } from "../../db/pool.js";
import { type DeviceMappingRow, selectConfigVersion, selectDeviceMappings } from "./plate-devices.sql.js";

/** A registered device as ingest sees it (device + camera + checkpoint + cell). */
export interface MappedDevice {
  id: number;
  deviceKey: string;
  channel: string | null;
  cameraId: string;
  /** Lane from the device row or the camera; null when neither says. */
  lane: number | null;
  timeZone: string;
  clockOffsetMs: number;
  credentialId: number | null;
  enabled: boolean;
  checkpointId: string | null;
  checkpointLanes: readonly number[];
  cellCode: string | null;
  cellPath: string[] | null;
  location: { lon: number; lat: number };
}

export const deviceKeyOf = (vendorId: string) => vendorId.trim().toLowerCase();

const toMapped = (r: DeviceMappingRow): MappedDevice => ({
  id: r.id,
  deviceKey: r.device_key,
  channel: r.channel,
  cameraId: r.camera_id,
  lane: r.lane,
  timeZone: r.time_zone,
  clockOffsetMs: r.clock_offset_ms ?? 0,
  credentialId: r.credential_id,
  enabled: r.enabled,
  checkpointId: r.checkpoint_id,
  checkpointLanes: r.checkpoint_lanes,
  cellCode: r.cell_code,
  cellPath: r.cell_path,
  location: { lon: r.lon, lat: r.lat },
});

/**
 * Every registered device in memory, keyed by vendor id and channel. Device rows change
 * rarely and ingest looks them up on every read, so the copy is refreshed when the
 * `devices` config version moves (checked at most every `checkEveryMs`), after a local
 * change, and unconditionally every `maxAgeMs` (camera moves do not bump the version).
 */
export class DeviceRegistry {
  private byKey = new Map<string, MappedDevice[]>();
  private version = -1;
  private checkedAt = 0;
  private loadedAt = 0;
  private loading: Promise<void> | null = null;

  constructor(
    private readonly db: Queryable,
    private readonly opts: { checkEveryMs: number; maxAgeMs: number } = {
      checkEveryMs: 1000,
      maxAgeMs: 60_000,
    },
  ) {}

  /** The device for a vendor id and channel: the row with that channel, else the any-channel row. */
  async find(vendorId: string, channel: string | null): Promise<MappedDevice | null> {
    await this.fresh();
    return this.lookUp(vendorId, channel);
  }

  /**
   * find's answer when the copy is fresh and has the device, without waiting on anything;
   * null otherwise (then ask find). Every read is looked up, and almost always this answers.
   */
  peek(vendorId: string, channel: string | null): MappedDevice | null {
    return this.isFresh(Date.now()) ? this.lookUp(vendorId, channel) : null;
  }

  private lookUp(vendorId: string, channel: string | null): MappedDevice | null {
    const candidates = this.byKey.get(deviceKeyOf(vendorId)) ?? [];
    return (
      candidates.find((d) => channel !== null && d.channel === channel) ??
      candidates.find((d) => d.channel === null) ??
      null
    );
  }

  /** All devices (any channel) registered under a vendor id. */
  async allFor(vendorId: string): Promise<MappedDevice[]> {
    await this.fresh();
    return this.byKey.get(deviceKeyOf(vendorId)) ?? [];
  }

  async byCredential(credentialId: number): Promise<MappedDevice[]> {
    await this.fresh();
    return [...this.byKey.values()].flat().filter((d) => d.credentialId === credentialId);
  }

  async byCamera(cameraId: string): Promise<MappedDevice[]> {
    await this.fresh();
    return [...this.byKey.values()].flat().filter((d) => d.cameraId === cameraId);
  }

  /** Forget the copy (after a change made by this process). */
  invalidate(): void {
    this.version = -1;
    this.checkedAt = 0;
  }

  private isFresh(now: number): boolean {
    return (
      this.version >= 0 &&
      now - this.checkedAt < this.opts.checkEveryMs &&
      now - this.loadedAt < this.opts.maxAgeMs
    );
  }

  private async fresh(): Promise<void> {
    const now = Date.now();
    if (this.isFresh(now)) return;
    this.loading ??= this.reloadIfChanged(now).finally(() => {
      this.loading = null;
    });
    await this.loading;
  }

  private async reloadIfChanged(now: number): Promise<void> {
    const version = await selectConfigVersion(this.db, "devices");
    this.checkedAt = now;
    if (version === this.version && now - this.loadedAt < this.opts.maxAgeMs) return;
    const rows = await selectDeviceMappings(this.db);
    const byKey = new Map<string, MappedDevice[]>();
    for (const row of rows) {
      const list = byKey.get(row.device_key) ?? [];
      list.push(toMapped(row));
      byKey.set(row.device_key, list);
    }
    this.byKey = byKey;
    this.version = version;
    this.loadedAt = now;
  }
}
