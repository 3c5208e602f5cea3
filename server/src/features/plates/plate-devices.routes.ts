import type { Request } from "express";
import { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import { type PoolClient, withTransaction } from "../../db/pool.js";
import { conflict, notFound } from "../../http/errors.js";
import type { RouteRegistry } from "../../http/route.js";
import { auditSource, recordAudit } from "../audit/audit.service.js";
import { encryptSecret } from "../secrets/keyring.js";
import {
  createdDeviceCredentialResponse,
  deviceCredentialsResponse,
  plateDeviceResponse,
  plateDevicesResponse,
} from "./plate-devices.responses.js";
import * as sql from "./plate-devices.sql.js";
import { platesRuntimeOf } from "./plates-runtime.js";

const idParams = z.strictObject({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

const timeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((zone) => {
    if (/^(?:UTC|GMT)?[+-]\d{1,2}(?::?\d{2})?$/i.test(zone)) return true;
    try {
      new Intl.DateTimeFormat("en-US", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, "must be an IANA time zone (Asia/Shanghai) or an offset (+08:00)");

const deviceFields = {
  deviceId: z
    .string()
    .trim()
    .min(1)
    .max(128)
    .describe("Vendor id as the device sends it: serial, MAC, IP or name"),
  channel: z.string().trim().min(1).max(64).nullable(),
  cameraId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  lane: z.number().int().min(1).max(99).nullable(),
  timeZone,
  clockOffsetMs: z.number().int().min(-631_152_000_000).max(631_152_000_000).nullable(),
  credentialId: z.number().int().positive().nullable(),
  enabled: z.boolean(),
  note: z.string().max(500).nullable(),
};

const newDevice = z.strictObject({
  ...deviceFields,
  channel: deviceFields.channel.default(null),
  lane: deviceFields.lane.default(null),
  timeZone: deviceFields.timeZone.default("Asia/Shanghai"),
  clockOffsetMs: deviceFields.clockOffsetMs.default(null),
  credentialId: deviceFields.credentialId.default(null),
  enabled: deviceFields.enabled.default(true),
  note: deviceFields.note.default(null),
});
const deviceChange = z.strictObject({
  channel: deviceFields.channel.optional(),
  cameraId: deviceFields.cameraId.optional(),
  lane: deviceFields.lane.optional(),
  timeZone: deviceFields.timeZone.optional(),
  clockOffsetMs: deviceFields.clockOffsetMs.optional(),
  credentialId: deviceFields.credentialId.optional(),
  enabled: deviceFields.enabled.optional(),
  note: deviceFields.note.optional(),
});

const newCredential = z.strictObject({
  username: z.string().regex(/^[A-Za-z0-9_.@-]{1,64}$/, "letters, digits and _ . @ - (at most 64)"),
  password: z.string().min(12, "at least 12 characters").max(128),
  description: z.string().max(500).nullable().default(null),
});

const deviceView = (d: sql.DeviceRow) => ({
  id: d.id,
  deviceId: d.device_key,
  channel: d.channel,
  cameraId: d.camera_id,
  lane: d.lane,
  timeZone: d.time_zone,
  clockOffsetMs: d.clock_offset_ms,
  credentialId: d.credential_id,
  enabled: d.enabled,
  note: d.note,
  createdAt: d.created_at.toISOString(),
  updatedAt: d.updated_at.toISOString(),
});

/** Mapping vendor device ids to cameras, and device Basic/Digest credentials (admin). */
export function registerPlateDeviceRoutes(routes: RouteRegistry, deps: AppDeps): void {
  const runtime = platesRuntimeOf(deps);
  const manage = { access: "permission", permission: "config:manage", scope: "global" } as const;

  /** One device write and its audit row in a transaction, then the ingest's device map is refreshed. */
  const auditedDeviceWrite = async <T>(
    req: Request,
    audit: { action: string; targetId: (result: T) => string; details?: Record<string, unknown> },
    write: (db: PoolClient) => Promise<T>,
  ): Promise<T> => {
    const result = await withTransaction(deps.pool, async (db) => {
      const written = await write(db);
      await recordAudit(db, {
        ...auditSource(req),
        action: audit.action,
        targetType: "plate_device",
        targetId: audit.targetId(written),
        ...(audit.details ? { details: audit.details } : {}),
      });
      return written;
    });
    runtime.registry.invalidate();
    return result;
  };

  routes.add({
    method: "get",
    path: "/api/v1/plates/devices",
    summary: "Plate devices: vendor device id (+ channel) → camera, time zone, clock offset",
    tags: ["plates"],
    policy: manage,
    response: plateDevicesResponse,
    handler: async () => ({ devices: (await sql.selectDevices(deps.pool)).map(deviceView) }),
  });

  routes.add({
    method: "post",
    path: "/api/v1/plates/devices",
    summary: "Register a plate device",
    tags: ["plates"],
    policy: manage,
    body: newDevice,
    status: 201,
    response: plateDeviceResponse,
    handler: async ({ req, body }) => {
      const row = await auditedDeviceWrite<sql.DeviceRow>(
        req,
        { action: "plates.device_create", targetId: (created) => String(created.id), details: { ...body } },
        (db) =>
          sql.insertDevice(db, body).catch((error: { code?: string; constraint?: string }) => {
            throw deviceWriteError(error, body.deviceId, body.channel);
          }),
      );
      return deviceView(row);
    },
  });

  routes.add({
    method: "patch",
    path: "/api/v1/plates/devices/:id",
    summary: "Change a plate device (camera, lane, time zone, clock offset, credential, enabled)",
    tags: ["plates"],
    policy: manage,
    params: idParams,
    body: deviceChange,
    response: plateDeviceResponse,
    handler: async ({ req, params, body }) => {
      const row = await auditedDeviceWrite<sql.DeviceRow>(
        req,
        { action: "plates.device_update", targetId: () => String(params.id), details: { ...body } },
        async (db) => {
          const updated = await sql.updateDevice(db, params.id, body).catch((error: { code?: string }) => {
            throw deviceWriteError(error, String(params.id), body.channel ?? null);
          });
          if (!updated) throw notFound("Plate device", String(params.id));
          return updated;
        },
      );
      return deviceView(row);
    },
  });

  routes.add({
    method: "delete",
    path: "/api/v1/plates/devices/:id",
    summary: "Remove a plate device (its stored reads stay)",
    tags: ["plates"],
    policy: manage,
    params: idParams,
    status: 204,
    handler: async ({ req, res, params }) => {
      await auditedDeviceWrite(
        req,
        { action: "plates.device_delete", targetId: () => String(params.id) },
        async (db) => {
          const removed = await sql.deleteDevice(db, params.id).catch((error: { code?: string }) => {
            if (error.code === "23503")
              throw conflict(
                "device_in_use",
                `Plate device ${params.id} has stored reads: disable it instead.`,
              );
            throw error;
          });
          if (!removed) throw notFound("Plate device", String(params.id));
        },
      );
      res.status(204).end();
      return undefined;
    },
  });

  routes.add({
    method: "get",
    path: "/api/v1/plates/device-credentials",
    summary: "Device Basic/Digest credentials (usernames only)",
    tags: ["plates"],
    policy: manage,
    response: deviceCredentialsResponse,
    handler: async () => ({ credentials: await sql.selectCredentials(deps.pool) }),
  });

  routes.add({
    method: "post",
    path: "/api/v1/plates/device-credentials",
    summary: "Create device credentials (password sealed with the server key; needed for Digest)",
    tags: ["plates"],
    policy: manage,
    body: newCredential,
    status: 201,
    response: createdDeviceCredentialResponse,
    handler: async ({ req, body }) =>
      withTransaction(deps.pool, async (db) => {
        const created = await sql.insertCredential(db, {
          username: body.username,
          passwordSealed: encryptSecret(deps.keyring, body.password),
          description: body.description,
          createdBy: req.auth?.userId ?? null,
        });
        if (!created)
          throw conflict("username_taken", `Device username "${body.username}" is already in use.`);
        await recordAudit(db, {
          ...auditSource(req),
          action: "plates.credential_create",
          targetType: "plate_device_credential",
          targetId: String(created.id),
          details: { username: body.username },
        });
        return { id: created.id, username: created.username, createdAt: created.created_at.toISOString() };
      }),
  });

  routes.add({
    method: "delete",
    path: "/api/v1/plates/device-credentials/:id",
    summary: "Disable device credentials",
    tags: ["plates"],
    policy: manage,
    params: idParams,
    status: 204,
    handler: async ({ req, res, params }) => {
      await withTransaction(deps.pool, async (db) => {
        if (!(await sql.disableCredential(db, params.id)))
          throw notFound("Active device credentials", String(params.id));
        await recordAudit(db, {
          ...auditSource(req),
          action: "plates.credential_disable",
          targetType: "plate_device_credential",
          targetId: String(params.id),
        });
      });
      runtime.registry.invalidate();
      res.status(204).end();
      return undefined;
    },
  });
}

function deviceWriteError(
  error: { code?: string; constraint?: string },
  deviceId: string,
  channel: string | null,
): unknown {
  if (error.code === "23505")
    return conflict(
      "device_exists",
      `Device "${deviceId}"${channel ? ` channel "${channel}"` : ""} is already registered.`,
    );
  if (error.code === "23503")
    return conflict("unknown_reference", "The camera or credential does not exist.");
  return error;
}
