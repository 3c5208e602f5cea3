import { z } from "zod";
import { timestamp } from "../../http/wire.js";

// Response bodies of the OGC API – Features metadata routes as they go over the wire (OpenAPI; checked
// in tests). Items, single features and queryables are written by the handlers themselves
// (application/geo+json with Content-Crs, application/schema+json), so they declare no schema here.

const link = z.object({
  href: z.string(),
  rel: z.string(),
  type: z.string().optional(),
  title: z.string().optional(),
});

export const ogcLandingResponse = z.object({
  title: z.string(),
  description: z.string(),
  links: z.array(link),
});

export const ogcConformanceResponse = z.object({
  conformsTo: z.array(z.string()).describe("URIs of the conformance classes implemented"),
});

export const ogcCollectionResponse = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  itemType: z.literal("feature"),
  links: z.array(link),
  extent: z.object({
    spatial: z.object({
      bbox: z
        .array(z.tuple([z.number(), z.number(), z.number(), z.number()]))
        .describe("One [minLon, minLat, maxLon, maxLat] of the caller's features; the world when none"),
      crs: z.string(),
    }),
    temporal: z.object({
      interval: z
        .array(z.tuple([timestamp.nullable(), timestamp.nullable()]))
        .describe("First and last time of the caller's features; null ends when none"),
      trs: z.string(),
      description: z.string().describe("Which time the interval is of"),
    }),
  }),
  crs: z.array(z.string()).describe("CRS URIs the items can be asked for (crs=)"),
  storageCrs: z.string(),
});

export const ogcCollectionsResponse = z.object({
  links: z.array(link),
  collections: z.array(ogcCollectionResponse),
});
