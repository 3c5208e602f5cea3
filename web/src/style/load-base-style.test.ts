import { describe, expect, it } from "vitest";
import { BaseStyleError, loadBaseStyle } from "./load-base-style.js";

const serve = (status: number, body: string) => (async () => new Response(body, { status })) as typeof fetch;

describe("loadBaseStyle", () => {
  it("returns a v8 style document unchanged", async () => {
    const doc = { version: 8, sources: { osm: { type: "raster", tiles: ["x"] } }, layers: [], glyphs: "g" };
    expect(await loadBaseStyle("http://tiles.test/style.json", serve(200, JSON.stringify(doc)))).toEqual(doc);
  });

  it("refuses a document that is not a v8 style", async () => {
    const error = await loadBaseStyle("u", serve(200, JSON.stringify({ version: 7, layers: [] }))).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(BaseStyleError);
    expect(error.code).toBe("base_style_unavailable");
  });

  it("reports an HTTP failure or non-JSON body as BaseStyleError", async () => {
    await expect(loadBaseStyle("u", serve(404, "nope"))).rejects.toBeInstanceOf(BaseStyleError);
    await expect(loadBaseStyle("u", serve(200, "<html>"))).rejects.toBeInstanceOf(BaseStyleError);
  });
});
