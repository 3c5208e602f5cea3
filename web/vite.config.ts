import { defineConfig } from "vite";
import { notoSansScAssets } from "./build/font-assets.js";
import { offlineStyle } from "./build/offline-style.js";
import { fixtureApi } from "./dev/fixture-api.js";

// `npm run dev -w @gridops/web` proxies the API to a locally running server (GRIDOPS_API_URL,
// default http://127.0.0.1:8080). GRIDOPS_WEB_FIXTURES=<dir of demo .geojson> instead serves
// those files through a stand-in API; that plugin only exists in the dev server, never in a build.
const apiTarget = process.env.GRIDOPS_API_URL ?? "http://127.0.0.1:8080";
const fixturesDir = process.env.GRIDOPS_WEB_FIXTURES;

export default defineConfig({
  plugins: [notoSansScAssets(), offlineStyle(), ...(fixturesDir ? [fixtureApi(fixturesDir)] : [])],
  server: {
    host: "127.0.0.1",
    proxy: fixturesDir
      ? {}
      : {
          "/api": { target: apiTarget, changeOrigin: false },
          // The command map's layer counts (OGC API) and, for a large district, its vector tiles.
          "/ogc": { target: apiTarget, changeOrigin: false },
          "/tiles": { target: apiTarget, changeOrigin: false },
          "/socket.io": { target: apiTarget, ws: true },
        },
  },
  preview: { host: "127.0.0.1" },
  build: {
    outDir: "dist",
    sourcemap: true,
    target: "es2022",
    // maplibre-gl alone is ~1 MB minified; splitting it would not make the first map paint sooner.
    chunkSizeWarningLimit: 1500,
  },
});
