import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Plugin } from "vite";

const VIRTUAL_ID = "virtual:gridops/offline-style";
const RESOLVED_ID = `\0${VIRTUAL_ID}`;
const GIS_DATA = new URL("../../gis-data/", import.meta.url);
const STYLE_FILE = new URL("style/offline-style.json", GIS_DATA);
/** The demo roads the offline style draws; served beside the page at the style's placeholder path. */
const ROADS_FILE = new URL("demo-district/roads.geojson", GIS_DATA);
const ROADS_PATH = "demo-district/roads.geojson";

/**
 * Bundles gis-data's offline base-map style as `virtual:gridops/offline-style` and serves or emits
 * the demo roads it references, so the default map needs no tile server.
 */
export function offlineStyle(): Plugin {
  let base = "/";
  return {
    name: "gridops-offline-style",
    configResolved(config) {
      base = config.base;
    },
    resolveId(id) {
      return id === VIRTUAL_ID ? RESOLVED_ID : null;
    },
    load(id) {
      if (id !== RESOLVED_ID) return null;
      this.addWatchFile(fileURLToPath(STYLE_FILE));
      return `export default ${readFileSync(STYLE_FILE, "utf8")};`;
    },
    configureServer(server) {
      server.middlewares.use(`${base}${ROADS_PATH}`, (_req, res) => {
        res.setHeader("content-type", "application/geo+json");
        res.end(readFileSync(ROADS_FILE));
      });
    },
    generateBundle() {
      this.emitFile({ type: "asset", fileName: ROADS_PATH, source: readFileSync(ROADS_FILE) });
    },
  };
}
