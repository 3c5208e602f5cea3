import { createReadStream, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import type { Plugin } from "vite";

const URL_DIRECTORY = "fonts/noto-sans-sc/";

/** Same rule as src/style/font-faces.ts notoSansScFileName; the unit test there checks the files exist. */
const fileNameFor = (key: string) => `noto-sans-sc-${key.replace(/^\[(\d+)\]$/, "$1")}-400-normal.woff2`;

function fontFiles(): { directory: string; names: Set<string> } {
  const require = createRequire(import.meta.url);
  const unicodeJson = require.resolve("@fontsource/noto-sans-sc/unicode.json");
  const subsets: Record<string, string> = JSON.parse(readFileSync(unicodeJson, "utf8"));
  return {
    directory: join(dirname(unicodeJson), "files"),
    names: new Set(Object.keys(subsets).map(fileNameFor)),
  };
}

/**
 * Serves (dev) and emits (build) the Noto Sans SC subsets that the map's `font-faces` point at, so
 * Chinese labels render with no glyph server and no internet.
 */
export function notoSansScAssets(): Plugin {
  const { directory, names } = fontFiles();
  let base = "/";
  return {
    name: "gridops-noto-sans-sc",
    configResolved(config) {
      base = config.base;
    },
    configureServer(server) {
      server.middlewares.use(`${base}${URL_DIRECTORY}`, (req, res, next) => {
        const name = basename(new URL(req.url ?? "/", "http://dev").pathname);
        if (!names.has(name)) return next();
        res.setHeader("content-type", "font/woff2");
        res.setHeader("cache-control", "public, max-age=86400");
        createReadStream(join(directory, name)).pipe(res);
      });
    },
    generateBundle() {
      for (const name of names) {
        this.emitFile({
          type: "asset",
          fileName: `${URL_DIRECTORY}${name}`,
          source: readFileSync(join(directory, name)),
        });
      }
    },
  };
}
