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
