import type { FeatureCollection, Point } from "geojson";
import type { GeoJSONSource, Map as MapLibreMap, MapSourceDataEvent, VectorTileSource } from "maplibre-gl";
import type { CameraCollection } from "../../api/gridops-api.js";
import { type CameraConeInput, cameraViewCones } from "../../geo/view-cone.js";
import { CONE_MIN_ZOOM } from "../../layers/camera-layers.js";
import { SOURCE, SOURCE_LAYER } from "../../layers/ids.js";
import type { LoadedDistrict } from "../../sources/load-district.js";
import {
  camerasFromTiles,
  fingerprint,
  labelsFromTilePieces,
  type TilePiece,
} from "../../sources/tile-derived.js";

/** Cones are made from this zoom, one step before they show, so they are ready when they do. */
const CONE_PREPARE_ZOOM = CONE_MIN_ZOOM - 1;

/** While camera health changes, tiled camera clusters (whose faulty counts are baked into the tiles) refetch at most this often. */
const CLUSTER_REFRESH_MS = 15_000;
/** Zoom from which the server sends single cameras instead of clusters (tiles.layers.ts). */
const CAMERA_SINGLES_ZOOM = 14;

/**
 * The GeoJSON sources made on the client from the static layers: view cones (from the cameras,
 * only once the map is zoomed in far enough to show them), and, when cells come as vector tiles,
 * one label point per cell in view. With GeoJSON layers they come from the whole data; with tiles
 * from the features of the tiles loaded now, redone when tiles arrive or the zoom changes.
 */
export class DerivedSources {
  readonly #map: MapLibreMap;
  readonly #cameras: CameraCollection | null;
  readonly #tiledCells: boolean;
  readonly #tiledCameras: boolean;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #settled: (() => void)[] = [];
  #clusterTimer: ReturnType<typeof setTimeout> | null = null;
  #coneFingerprint = "";
  #labelFingerprint = "";
  readonly #onSourceData = (event: MapSourceDataEvent) => {
    const watched =
      (this.#tiledCells && event.sourceId === SOURCE.cells) || event.sourceId === SOURCE.cameras;
    if (watched && event.isSourceLoaded) this.#schedule();
  };
  readonly #onZoom = () => this.#schedule();

  constructor(map: MapLibreMap, district: LoadedDistrict) {
    this.#map = map;
    const { cells, cameras } = district.layers;
    this.#cameras = cameras.mode === "geojson" ? cameras.data : null;
    this.#tiledCells = cells.mode === "tiles";
    this.#tiledCameras = cameras.mode === "tiles";
    map.on("sourcedata", this.#onSourceData);
    map.on("zoomend", this.#onZoom);
    this.#schedule();
  }

  /** A camera's health changed: tiled clusters show faulty counts from when they were fetched. */
  cameraStatusChanged(): void {
    if (!this.#tiledCameras || this.#clusterTimer !== null) return;
    this.#clusterTimer = setTimeout(() => {
      this.#clusterTimer = null;
      if (this.#map.getZoom() >= CAMERA_SINGLES_ZOOM) return;
      const source = this.#map.getSource<VectorTileSource>(SOURCE.cameras);
      // Setting the same tile URLs makes MapLibre refetch the tiles in view (ETags keep unchanged ones cheap).
      if (source?.type === "vector") source.setTiles(source.tiles);
    }, CLUSTER_REFRESH_MS);
  }

  /**
   * Resolves once no pass is pending: the derived sources hold what the tiles loaded so far give
   * (their own data may still be on its way to the worker; the map's next `idle` covers that).
   * The first render waits for it: `idle` can come before a pass that tiles just scheduled.
   */
  settled(): Promise<void> {
    if (this.#timer === null) return Promise.resolve();
    return new Promise((resolve) => this.#settled.push(resolve));
  }

  destroy(): void {
    this.#map.off("sourcedata", this.#onSourceData);
    this.#map.off("zoomend", this.#onZoom);
    if (this.#timer !== null) clearTimeout(this.#timer);
    if (this.#clusterTimer !== null) clearTimeout(this.#clusterTimer);
    for (const resolve of this.#settled.splice(0)) resolve();
  }

  #schedule(): void {
    if (this.#timer !== null) return;
    // Tiles arrive in bursts; one pass after the burst is enough.
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#update();
      for (const resolve of this.#settled.splice(0)) resolve();
    }, 60);
  }

  #update(): void {
    if (this.#tiledCells) this.#updateLabels();
    if (this.#map.getZoom() >= CONE_PREPARE_ZOOM) this.#updateCones();
  }

  #tileFeatures(source: string): TilePiece[] {
    const sourceLayer = SOURCE_LAYER[source];
    // MapLibre's query result is GeoJSON-shaped; TilePiece names the part read here.
    return this.#map.querySourceFeatures(
      source,
      sourceLayer ? { sourceLayer } : {},
    ) as unknown as TilePiece[];
  }

  #updateLabels(): void {
    const labels = labelsFromTilePieces(this.#tileFeatures(SOURCE.cells));
    const print = fingerprint(labels);
    if (print === this.#labelFingerprint) return;
    this.#labelFingerprint = print;
    void this.#map.getSource<GeoJSONSource>(SOURCE.cellLabels)?.setData(labels);
  }

  #updateCones(): void {
    const cameras: FeatureCollection<Point, CameraConeInput> | null = this.#tiledCameras
      ? camerasFromTiles(this.#tileFeatures(SOURCE.cameras))
      : this.#cameras;
    if (!cameras) return;
    const print = fingerprint(cameras);
    if (print === this.#coneFingerprint) return;
    this.#coneFingerprint = print;
    void this.#map.getSource<GeoJSONSource>(SOURCE.cameraCones)?.setData(cameraViewCones(cameras));
  }
}
