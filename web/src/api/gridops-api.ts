import type { FeatureCollection, MultiPolygon, Point, Polygon } from "geojson";
import { HttpClient, type HttpClientOptions } from "./http.js";
import { collectAllPages, MAX_PAGE_SIZE } from "./paging.js";
import {
  type AppConfig,
  appConfigSchema,
  type CameraProperties,
  type CameraRecord,
  type CellProperties,
  type CheckpointProperties,
  cameraPageSchema,
  cameraRecordSchema,
  cellPageSchema,
  checkpointPageSchema,
  featureCountSchema,
  type Session,
  sessionSchema,
  type TileJson,
  tileJsonSchema,
} from "./schemas.js";

export type BBox = readonly [minLon: number, minLat: number, maxLon: number, maxLat: number];
export type CellCollection = FeatureCollection<Polygon | MultiPolygon, CellProperties>;
export type CheckpointCollection = FeatureCollection<Point, CheckpointProperties>;
export type CameraCollection = FeatureCollection<Point, CameraProperties>;

/** The district's static layers, which the server also serves as counts (OGC API) and vector tiles. */
export type StaticLayerKind = "cells" | "checkpoints" | "cameras";

export interface LoginRequest {
  username: string;
  password: string;
}

/** Typed client for the GridOps REST API (`/api/v1`). */
export class GridOpsApi {
  readonly http: HttpClient;

  constructor(options: HttpClientOptions = {}) {
    this.http = new HttpClient(options);
  }

  getConfig(): Promise<AppConfig> {
    return this.http.get("/api/v1/config", appConfigSchema);
  }

  async login(request: LoginRequest): Promise<Session> {
    const session = await this.http.post("/api/v1/auth/login", request, sessionSchema);
    if (session === null) throw new Error("unreachable: login always parses a body");
    return session;
  }

  me(): Promise<Session> {
    return this.http.get("/api/v1/auth/me", sessionSchema);
  }

  async logout(): Promise<void> {
    await this.http.post("/api/v1/auth/logout", {}, null);
  }

  async cells(bbox?: BBox): Promise<CellCollection> {
    const features = await collectAllPages((cursor) =>
      this.http.get("/api/v1/cells", cellPageSchema, {
        bbox: bbox?.join(","),
        limit: MAX_PAGE_SIZE,
        cursor,
      }),
    );
    return { type: "FeatureCollection", features };
  }

  async checkpoints(): Promise<CheckpointCollection> {
    const features = await collectAllPages((cursor) =>
      this.http.get("/api/v1/checkpoints", checkpointPageSchema, { limit: MAX_PAGE_SIZE, cursor }),
    );
    return { type: "FeatureCollection", features };
  }

  async cameras(): Promise<CameraCollection> {
    const features = await collectAllPages((cursor) =>
      this.http.get("/api/v1/cameras", cameraPageSchema, { limit: MAX_PAGE_SIZE, cursor }),
    );
    return { type: "FeatureCollection", features };
  }

  /** How many features of a layer the caller may see (the OGC items count, scoped like the layer itself). */
  async featureCount(kind: StaticLayerKind): Promise<number> {
    const page = await this.http.get(`/ogc/collections/${kind}/items`, featureCountSchema, { limit: 1 });
    return page.numberMatched;
  }

  /** The layer's TileJSON: bounds of what the caller may see. */
  tileJson(kind: StaticLayerKind): Promise<TileJson> {
    return this.http.get(`/tiles/${kind}.json`, tileJsonSchema);
  }

  camera(id: string): Promise<CameraRecord> {
    return this.http.get(`/api/v1/cameras/${encodeURIComponent(id)}`, cameraRecordSchema);
  }
}
