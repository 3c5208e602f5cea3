import { z } from "zod";

// Response bodies of the tile routes as they go over the wire (OpenAPI; checked in tests).

/** TileJSON 3.0.0 of one vector-tile layer (tiles.service.ts `tileJson`). */
export const tileJsonResponse = z.object({
  tilejson: z.literal("3.0.0"),
  name: z.string().describe("Layer title in the caller's language"),
  scheme: z.literal("xyz"),
  tiles: z.array(z.string()).describe("Tile URL template with {z}/{x}/{y}"),
  minzoom: z.number().int(),
  maxzoom: z.number().int(),
  bounds: z
    .array(z.number())
    .length(4)
    .describe("[west, south, east, north] of the caller's cells; the whole Web Mercator world when none"),
  center: z.array(z.number()).length(3).describe("[lon, lat, zoom]"),
  vector_layers: z.array(
    z.object({
      id: z.string(),
      description: z.string(),
      minzoom: z.number().int(),
      maxzoom: z.number().int(),
      fields: z.record(z.string(), z.string()).describe("Attribute name → type or description"),
    }),
  ),
});
