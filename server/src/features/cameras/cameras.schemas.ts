import { z } from "zod";
import { cellCodeSchema } from "../cells/cells.schemas.js";

export const cameraIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, "camera ids are 1-64 letters, digits, '-' or '_'");
export const cameraIdParams = z.strictObject({ id: cameraIdSchema });

const text = (max: number) => z.string().trim().min(1).max(max);

/** aa:bb:cc:dd:ee:ff from any of the usual spellings (dashes, dots, none, upper case). */
export const macAddressSchema = z
  .string()
  .trim()
  .transform((raw, ctx) => {
    const hex = raw.replace(/[:.\-\s]/g, "").toLowerCase();
    if (!/^[0-9a-f]{12}$/.test(hex)) {
      ctx.addIssue({ code: "custom", message: "a MAC address is 12 hex digits, e.g. 44:19:b6:0a:1b:2c" });
      return z.NEVER;
    }
    return hex.match(/../g)!.join(":");
  });

/** The ONVIF device service URL, completed like camera-adapters does (bare host → /onvif/device_service). */
export const onvifAddressSchema = z
  .string()
  .trim()
  .max(2048)
  .transform((raw, ctx) => {
    const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
    if (!URL.canParse(withScheme)) {
      ctx.addIssue({
        code: "custom",
        message: "not a device address (expected http://host[:port]/onvif/device_service)",
      });
      return z.NEVER;
    }
    const url = new URL(withScheme);
    if ((url.protocol !== "http:" && url.protocol !== "https:") || !url.hostname) {
      ctx.addIssue({ code: "custom", message: "the ONVIF address must be an http or https URL" });
      return z.NEVER;
    }
    if (url.username || url.password) {
      ctx.addIssue({
        code: "custom",
        message: "put credentials in the credentials field, not in the address",
      });
      return z.NEVER;
    }
    if (url.pathname === "/" || url.pathname === "") url.pathname = "/onvif/device_service";
    return url.href;
  });

export const credentialsSchema = z.strictObject({
  username: z.string().min(1, "username must not be empty").max(256),
  password: z.string().max(256),
});
export type CameraCredentials = z.infer<typeof credentialsSchema>;

const rtspUrl = z
  .string()
  .max(2048)
  .refine((raw) => {
    if (!URL.canParse(raw)) return false;
    const url = new URL(raw);
    return (url.protocol === "rtsp:" || url.protocol === "rtsps:") && url.hostname !== "";
  }, "expected an rtsp:// or rtsps:// URL")
  .refine((raw) => !URL.canParse(raw) || (!new URL(raw).username && !new URL(raw).password), {
    message: "put credentials in the credentials field, not in the stream URL",
  });

/** One stream the camera offers; `main` marks the one the poller checks. */
export const rtspProfileSchema = z.strictObject({
  token: text(64),
  name: z.string().max(200).default(""),
  url: rtspUrl,
  snapshot_url: z.string().url().max(2048).nullable().default(null),
  codec: z.enum(["H264", "H265", "MJPEG", "MPEG4", "OTHER"]).nullable().default(null),
  width: z.number().int().positive().max(16384).nullable().default(null),
  height: z.number().int().positive().max(16384).nullable().default(null),
  fps: z.number().positive().max(240).nullable().default(null),
  bitrate_kbps: z.number().int().positive().max(1_000_000).nullable().default(null),
});
export type RtspProfile = z.infer<typeof rtspProfileSchema>;

const locationSchema = z.strictObject({
  lon: z
    .number({ message: "lon must be a number" })
    .min(-180, "lon must be ≥ -180")
    .max(180, "lon must be ≤ 180"),
  lat: z
    .number({ message: "lat must be a number" })
    .min(-90, "lat must be ≥ -90")
    .max(90, "lat must be ≤ 90"),
});

const bearing = z
  .number({ message: "bearing must be a number of degrees" })
  .min(0, "bearing must be at least 0 degrees (0 = north, clockwise)")
  .lt(360, "bearing must be below 360 degrees (0 = north, clockwise)");
const fov = z
  .number({ message: "fov_deg must be a number of degrees" })
  .gt(0, "fov_deg must be more than 0 degrees")
  .max(360, "fov_deg must be at most 360 degrees");
const range = z
  .number({ message: "range_m must be a number" })
  .gt(0, "range_m must be more than 0")
  .max(5000, "range_m must be at most 5000 m");
const height = z
  .number({ message: "mounting_height_m must be a number" })
  .min(0, "mounting_height_m must be ≥ 0")
  .max(200, "mounting_height_m must be at most 200 m");
const isoDate = z.iso.date("install_date must be a date, YYYY-MM-DD");

/** Fields a technician may set; every one optional on update, `null` clears. */
const editable = {
  name: text(200),
  name_en: text(200).nullable(),
  vendor: text(64),
  model: text(200).nullable(),
  firmware: text(200).nullable(),
  serial_number: text(200).nullable(),
  mac_address: macAddressSchema.nullable(),
  onvif_address: onvifAddressSchema.nullable(),
  credentials: credentialsSchema.nullable(),
  rtsp_profiles: z.array(rtspProfileSchema).max(16),
  location: locationSchema,
  mounting_height_m: height.nullable(),
  bearing: bearing.nullable(),
  fov_deg: fov.nullable(),
  range_m: range.nullable(),
  checkpoint_id: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/)
    .nullable(),
  lane: z.number().int().min(1).max(99).nullable(),
  cell_override: cellCodeSchema.nullable(),
  install_date: isoDate.nullable(),
  maintainer: text(200).nullable(),
};

export const createCameraBody = z.strictObject({
  id: cameraIdSchema,
  name: editable.name,
  name_en: editable.name_en.optional(),
  vendor: editable.vendor,
  model: editable.model.optional(),
  firmware: editable.firmware.optional(),
  serial_number: editable.serial_number.optional(),
  mac_address: editable.mac_address.optional(),
  onvif_address: editable.onvif_address.optional(),
  credentials: editable.credentials.optional(),
  rtsp_profiles: editable.rtsp_profiles.default([]),
  location: editable.location,
  mounting_height_m: editable.mounting_height_m.optional(),
  bearing: editable.bearing.optional(),
  fov_deg: editable.fov_deg.optional(),
  range_m: editable.range_m.optional(),
  checkpoint_id: editable.checkpoint_id.optional(),
  lane: editable.lane.optional(),
  cell_override: editable.cell_override.optional(),
  install_date: editable.install_date.optional(),
  maintainer: editable.maintainer.optional(),
});
export type CreateCameraInput = z.infer<typeof createCameraBody>;

export const updateCameraBody = z
  .strictObject({
    ...Object.fromEntries(Object.entries(editable).map(([k, s]) => [k, s.optional()])),
    /** The version read; a concurrent change answers 409 instead of being overwritten. */
    version: z.number().int().min(1).optional(),
  } as { [K in keyof typeof editable]: z.ZodOptional<(typeof editable)[K]> } & {
    version: z.ZodOptional<z.ZodNumber>;
  })
  .refine((b) => Object.keys(b).some((k) => k !== "version"), "send at least one field to change");
export type UpdateCameraInput = z.infer<typeof updateCameraBody>;

export const importQuery = z.strictObject({
  format: z.enum(["csv", "geojson"]),
  dry_run: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
});

/** One imported row, as CSV columns or GeoJSON properties (+ Point geometry) carry it. */
export const importRowSchema = createCameraBody;

export const fleetQuery = z.strictObject({
  state: z
    .string()
    .transform((s) => s.split(",").map((x) => x.trim()))
    .pipe(
      z.array(
        z.enum([
          "online",
          "degraded",
          "offline",
          "auth_failed",
          "no_video",
          "tampered",
          "maintenance",
          "unknown",
        ]),
      ),
    )
    .optional(),
  vendor: z.string().max(64).optional(),
  model: z.string().max(200).optional(),
  firmware: z.string().max(200).optional(),
  cell: cellCodeSchema.optional(),
  /** Only cameras in their current state since before this time (e.g. "down for more than an hour"). */
  since: z.iso.datetime({ offset: true, message: "since must be an ISO 8601 date-time" }).optional(),
  q: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type FleetQuery = z.infer<typeof fleetQuery>;
