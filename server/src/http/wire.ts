import { z } from "zod";

// Building blocks of documented response bodies (route `response`), as JSON carries them.

/** A timestamp: JSON.stringify of a Date ("…Z") or PostgreSQL's json of timestamptz ("…+00:00"). */
export const timestamp = z.iso.datetime({ offset: true });

/** A calendar day, YYYY-MM-DD. */
export const calendarDay = z.iso.date();

export const lonLatOut = z.object({ lon: z.number(), lat: z.number() });

export const okResponse = z.object({ ok: z.literal(true) });

/** GeoJSON Point, [lon, lat]. */
export const pointGeometry = z.object({ type: z.literal("Point"), coordinates: z.array(z.number()).min(2) });

/** GeoJSON MultiPolygon (cells are stored as MultiPolygon): polygons of rings of [lon, lat]. */
export const multiPolygonGeometry = z.object({
  type: z.literal("MultiPolygon"),
  coordinates: z.array(z.array(z.array(z.array(z.number()).min(2)))),
});

/** Any GeoJSON geometry, for answers whose geometry type depends on the input (repairs, gaps, previews). */
export const anyGeometry = z
  .object({ type: z.string(), coordinates: z.array(z.unknown()).optional() })
  .describe("A GeoJSON geometry");

/** A GeoJSON Feature: its id, geometry and properties. */
export const geoFeature = <I extends z.ZodType, G extends z.ZodType, P extends z.ZodType>(
  id: I,
  geometry: G,
  properties: P,
) => z.object({ type: z.literal("Feature"), id, geometry, properties });

/** A keyset-paged GeoJSON FeatureCollection (server/src/http/geojson.ts `toPage`). */
export const featureCollectionPage = <F extends z.ZodType>(feature: F) =>
  z.object({
    type: z.literal("FeatureCollection"),
    features: z.array(feature),
    next_cursor: z.string().nullable().describe("Pass as cursor for the next page; null on the last"),
  });
