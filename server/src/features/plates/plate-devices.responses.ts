import { z } from "zod";
import { timestamp } from "../../http/wire.js";

// Response bodies of the plate device and device credential routes as they go over the wire (OpenAPI; checked in tests).

export const plateDeviceResponse = z.object({
  id: z.number().int(),
  deviceId: z.string().describe("Vendor device id, lower-cased and trimmed"),
  channel: z.string().nullable().describe("null matches any channel"),
  cameraId: z.string(),
  lane: z
    .number()
    .int()
    .nullable()
    .describe("Overrides the camera's lane; null = the camera's, then the read's"),
  timeZone: z.string(),
  clockOffsetMs: z
    .number()
    .int()
    .nullable()
    .describe("Device clock minus true time; null = the offset camera health measured"),
  credentialId: z.number().int().nullable(),
  enabled: z.boolean(),
  note: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});

export const plateDevicesResponse = z.object({ devices: z.array(plateDeviceResponse) });

export const deviceCredentialsResponse = z.object({
  credentials: z.array(
    z.object({
      id: z.number().int(),
      username: z.string(),
      description: z.string().nullable(),
      created_at: timestamp,
      disabled_at: timestamp.nullable(),
    }),
  ),
});

export const createdDeviceCredentialResponse = z.object({
  id: z.number().int(),
  username: z.string(),
  createdAt: timestamp,
});
