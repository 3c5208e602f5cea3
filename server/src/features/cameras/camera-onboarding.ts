import {
  createOnvifDevice,
  type DiscoveredDevice,
  isOnvifError,
  type OnboardingResult,
  onvifErrorMessages,
  probe,
} from "@gridops/camera-adapters/onvif/index";
import type { Request } from "express";
import { z } from "zod";
import type { AppDeps } from "../../app-deps.js";
import { AppError, notFound } from "../../http/errors.js";
import { auditSource, recordAudit } from "../audit/audit.service.js";
import type { AuthContext } from "../auth/auth-context.js";
import { onCredentialsChanged } from "../health/health.service.js";
import { insertCameraEventRows } from "../health/health.sql.js";
import { decryptSecret } from "../secrets/keyring.js";
import {
  type CameraCredentials,
  credentialsSchema,
  macAddressSchema,
  onvifAddressSchema,
  type RtspProfile,
} from "./cameras.schemas.js";
import { duplicateError, sealCredentials } from "./cameras.service.js";
import * as sql from "./cameras.sql.js";

export const onboardBody = z.strictObject({
  /** Use this address instead of the stored one (and store it). */
  onvif_address: onvifAddressSchema.optional(),
  /** Use and store these credentials instead of the stored ones. */
  credentials: credentialsSchema.optional(),
  timeout_ms: z.number().int().min(500).max(60_000).default(8_000),
});
export type OnboardInput = z.infer<typeof onboardBody>;

const onvifStatus: Record<string, number> = { auth_failed: 422, invalid_address: 400 };

/** ONVIF failures as API errors (502: the camera, not the request, is the problem). */
function onboardingError(error: unknown): AppError {
  if (isOnvifError(error)) {
    return new AppError(
      onvifStatus[error.code] ?? 502,
      `onvif_${error.code}`,
      `Onboarding failed: ${onvifErrorMessages[error.code].en} ${onvifErrorMessages[error.code]["zh-CN"]}`,
      {
        operation: error.details.operation ?? null,
      },
    );
  }
  return new AppError(502, "onboarding_failed", `Onboarding failed: ${(error as Error).message}`);
}

export function profilesFrom(result: OnboardingResult): RtspProfile[] {
  return result.profiles
    .filter((p) => p.streamUri && /^rtsps?:\/\//i.test(p.streamUri))
    .map((p) => {
      const url = new URL(p.streamUri!);
      // Stream URIs with user-info would leak credentials through the API; they come from credentials instead.
      url.username = "";
      url.password = "";
      return {
        token: p.token,
        name: p.name,
        url: url.href,
        snapshot_url: p.snapshotUri,
        codec: p.video?.codec ?? null,
        width: p.video?.width ?? null,
        height: p.video?.height ?? null,
        fps: p.video?.fps ?? null,
        bitrate_kbps: p.video?.bitrateKbps ?? null,
      };
    })
    .sort((a, b) => (b.width ?? 0) * (b.height ?? 0) - (a.width ?? 0) * (a.height ?? 0));
}

/**
 * Runs ONVIF onboarding against the camera (clock, device information, services, network
 * interfaces, profiles, stream URIs) and writes what it learned into the inventory.
 */
export async function onboardCamera(
  deps: AppDeps,
  req: Request,
  auth: AuthContext,
  id: string,
  input: OnboardInput,
) {
  const [connection] = await sql.selectCameraConnections(deps.pool, [id]);
  if (!connection) throw notFound("Camera", id);
  const address = input.onvif_address ?? connection.onvif_address;
  if (!address)
    throw new AppError(
      400,
      "onvif_address_required",
      "The camera has no ONVIF address; send onvif_address.",
      { field: "onvif_address" },
    );
  let credentials: CameraCredentials | null = input.credentials ?? null;
  if (!credentials && connection.credentials_enc)
    credentials = credentialsSchema.parse(
      JSON.parse(decryptSecret(deps.keyring, connection.credentials_enc)),
    );
  const device = createOnvifDevice({
    address,
    timeoutMs: input.timeout_ms,
    ...(credentials ? credentials : {}),
  });
  const result = await device.onboard().catch((error: unknown) => {
    throw onboardingError(error);
  });
  const mac = result.macAddress ? macAddressSchema.safeParse(result.macAddress) : null;
  const onvifAddress = onvifAddressSchema.parse(result.deviceServiceUrl);
  return deps.withTransaction(async (db) => {
    const [dup] = await sql.selectDuplicates(
      db,
      [
        {
          index: 0,
          id,
          serial_number: result.serialNumber || null,
          mac_address: mac?.success ? mac.data : null,
          onvif_address: onvifAddress,
        },
      ],
      { checkId: false },
    );
    if (dup) throw duplicateError(dup);
    const now = new Date();
    await sql.updateOnboardedInventory(db, id, {
      vendor:
        result.vendor === "other" ? result.manufacturer.toLowerCase().slice(0, 64) || "other" : result.vendor,
      model: result.model,
      firmware: result.firmwareVersion,
      serial_number: result.serialNumber,
      mac_address: mac?.success ? mac.data : null,
      onvif_address: onvifAddress,
      rtsp_profiles: profilesFrom(result),
      clock_offset_ms: result.clock.offsetMs,
      onboarding: {
        services: result.services,
        supports: result.supports,
        warnings: result.warnings,
        manufacturer: result.manufacturer,
        hardwareId: result.hardwareId,
      },
      at: now,
    });
    if (input.credentials) {
      await db.query(
        "UPDATE cameras SET credentials_enc = $2, credentials_version = credentials_version + 1 WHERE id = $1",
        [id, sealCredentials(deps.keyring, input.credentials)],
      );
      await onCredentialsChanged(db, id, auth.actor, now);
    }
    await insertCameraEventRows(db, [
      {
        camera_id: id,
        at: now.toISOString(),
        kind: "onboarded",
        from_state: null,
        to_state: null,
        reasons: [],
        actor: auth.actor,
        details: {
          model: result.model,
          firmware: result.firmwareVersion,
          profiles: result.profiles.length,
          warnings: result.warnings,
        },
      },
    ]);
    await recordAudit(db, {
      ...auditSource(req, auth),
      action: "camera.onboard",
      targetType: "camera",
      targetId: id,
      cellCode: connection.cell_code,
      details: { credentials: input.credentials ? "replaced" : "kept" },
    });
    return {
      camera: (await sql.selectCameraView(db, id))!,
      clock_offset_ms: result.clock.offsetMs,
      warnings: result.warnings,
      supports: result.supports,
    };
  });
}

export const discoveryQuery = z.strictObject({
  timeout_ms: z.coerce.number().int().min(200).max(10_000).default(2_000),
  multicast: z
    .enum(["true", "false"])
    .default("true")
    .transform((v) => v === "true"),
});

export interface DiscoveredView {
  endpoint_reference: string;
  xaddrs: string[];
  name: string | null;
  hardware: string | null;
  location: string | null;
  from: string;
}

/** WS-Discovery probe (multicast + configured unicast targets); lists devices not in the inventory. */
export async function discoverUnregistered(
  deps: AppDeps,
  q: z.infer<typeof discoveryQuery>,
): Promise<{ devices: DiscoveredView[]; registered: number }> {
  const devices: DiscoveredDevice[] = await probe({
    timeoutMs: q.timeout_ms,
    multicast: q.multicast,
    targets: deps.config.discoveryTargets,
  });
  const known = new Set(
    (await sql.selectKnownOnvifHosts(deps.pool)).map((k) => k.onvif_address.toLowerCase()),
  );
  const normalise = (x: string) => {
    const parsed = onvifAddressSchema.safeParse(x);
    return parsed.success ? parsed.data.toLowerCase() : x.toLowerCase();
  };
  const fresh = devices.filter((d) => !d.xaddrs.some((x) => known.has(normalise(x))));
  return {
    devices: fresh.map((d) => ({
      endpoint_reference: d.endpointReference,
      xaddrs: d.xaddrs,
      name: d.name,
      hardware: d.hardware,
      location: d.location,
      from: `${d.from.address}:${d.from.port}`,
    })),
    registered: devices.length - fresh.length,
  };
}
