import { z } from "zod";

// Response bodies of the system routes as they go over the wire (OpenAPI; checked in tests).

export const clientConfigResponse = z.object({
  baseMapStyleUrl: z
    .string()
    .nullable()
    .describe("MapLibre style URL; null: the web app uses its own offline style"),
  defaultLanguage: z.enum(["zh-CN", "en"]),
});
