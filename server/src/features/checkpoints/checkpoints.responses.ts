import { z } from "zod";
import { featureCollectionPage, geoFeature, pointGeometry, timestamp } from "../../http/wire.js";

// Response bodies of the checkpoint routes as they go over the wire (OpenAPI; checked in tests).

export const checkpointPageResponse = featureCollectionPage(
  geoFeature(
    z.string(),
    pointGeometry,
    z.object({
      id: z.string(),
      name: z.string(),
      name_en: z.string().nullable(),
      grade: z.enum(["A", "B", "C"]),
      road: z.string(),
      direction: z.enum(["northbound", "southbound", "eastbound", "westbound", "both"]),
      cell_code: z.string().nullable(),
      lanes: z.array(
        z.object({
          number: z.number().int(),
          direction: z.string(),
          camera_id: z.string().nullable(),
        }),
      ),
    }),
  ),
);

export const checkpointFlowResponse = z.object({
  checkpointId: z.string(),
  bucketMinutes: z.union([z.literal(5), z.literal(15), z.literal(60)]),
  from: timestamp,
  to: timestamp,
  buckets: z
    .array(
      z.object({
        start: timestamp,
        vehicles: z.number().int(),
        lanes: z.array(z.object({ lane: z.number().int(), vehicles: z.number().int() })),
      }),
    )
    .describe("Only buckets with traffic"),
});

export const silenceAlertsResponse = z.object({
  alerts: z.array(
    z.object({
      id: z.number().int(),
      checkpointId: z.string(),
      lane: z.number().int(),
      silentSince: timestamp,
      expectedVehicles: z.number().describe("Vehicles the hour-of-week baseline expected, one decimal"),
      raisedAt: timestamp,
      incidentId: z.number().int().nullable(),
    }),
  ),
});
