import { healthStates } from "@gridops/camera-adapters/health/index";
import { z } from "zod";
import {
  calendarDay,
  featureCollectionPage,
  geoFeature,
  lonLatOut,
  pointGeometry,
  timestamp,
} from "../../http/wire.js";

// Response bodies of the camera inventory routes as they go over the wire (OpenAPI; checked in tests).

export const cameraPageResponse = featureCollectionPage(
  geoFeature(
    z.string(),
    pointGeometry,
    z.object({
      id: z.string(),
      name: z.string(),
      vendor: z.string(),
      model: z.string().nullable(),
      bearing: z.number().nullable().describe("Degrees clockwise from north"),
      fov_deg: z.number().nullable(),
      range_m: z.number().nullable(),
      mounting_height_m: z.number().nullable(),
      checkpoint_id: z.string().nullable(),
      lane: z.number().int().nullable(),
      cell_code: z.string().nullable(),
      status: z.enum(healthStates),
      status_since: timestamp,
    }),
  ),
);

const rtspProfile = z.object({
  token: z.string(),
  name: z.string(),
  url: z.string(),
  snapshot_url: z.string().nullable(),
  codec: z.enum(["H264", "H265", "MJPEG", "MPEG4", "OTHER"]).nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  fps: z.number().nullable(),
  bitrate_kbps: z.number().int().nullable(),
});

export const cameraResponse = z.object({
  id: z.string(),
  name: z.string(),
  name_en: z.string().nullable(),
  vendor: z.string(),
  model: z.string().nullable(),
  firmware: z.string().nullable(),
  serial_number: z.string().nullable(),
  mac_address: z.string().nullable().describe("Lower case, colon separated"),
  onvif_address: z.string().nullable().describe("ONVIF device service URL"),
  has_credentials: z.boolean().describe("Credentials are write-only; this says whether some are stored"),
  rtsp_profiles: z.array(rtspProfile),
  location: lonLatOut,
  mounting_height_m: z.number().nullable(),
  bearing: z.number().nullable(),
  fov_deg: z.number().nullable(),
  range_m: z.number().nullable(),
  checkpoint_id: z.string().nullable(),
  lane: z.number().int().nullable(),
  cell_code: z.string().nullable().describe("The override when set, else the grid covering the location"),
  cell_override: z.string().nullable(),
  install_date: calendarDay.nullable(),
  maintainer: z.string().nullable(),
  clock_offset_ms: z.number().int().nullable().describe("Camera clock minus server clock, from onboarding"),
  onboarded_at: timestamp.nullable(),
  status: z.enum(healthStates),
  status_since: timestamp,
  version: z.number().int(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const cameraImportResponse = z.object({
  dry_run: z.boolean(),
  format: z.enum(["csv", "geojson"]),
  rows: z.number().int(),
  valid: z.number().int(),
  problems: z.array(
    z.object({
      row: z.number().int().describe("1-based CSV data row or GeoJSON feature number"),
      code: z.string(),
      field: z.string().nullable(),
      message: z.string(),
      existing_camera: z
        .object({ id: z.string(), name: z.string() })
        .optional()
        .describe("The camera a duplicate row matches"),
    }),
  ),
  created: z
    .array(z.string())
    .describe("Ids created (or, on a dry run, that would be); empty when any row has a problem"),
  applied: z.boolean(),
});

export const onboardResponse = z.object({
  camera: cameraResponse,
  clock_offset_ms: z.number(),
  warnings: z.array(z.string()).describe("Non-fatal problems met while onboarding"),
  supports: z.object({ pullPoint: z.boolean(), media2: z.boolean(), ptz: z.boolean() }),
});

export const discoveryResponse = z.object({
  devices: z.array(
    z.object({
      endpoint_reference: z.string(),
      xaddrs: z.array(z.string()).describe("Device service URLs the device announced"),
      name: z.string().nullable(),
      hardware: z.string().nullable(),
      location: z.string().nullable(),
      from: z.string().describe("address:port the answer came from"),
    }),
  ),
  registered: z.number().int().describe("Devices that answered but are already in the inventory"),
});
