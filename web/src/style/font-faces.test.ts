import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { backgroundOnlyStyle, withFontFaces } from "./base-style.js";
import { LABEL_FONT, notoSansScFileName, notoSansScFontFaces, unicodeRanges } from "./font-faces.js";

const require = createRequire(import.meta.url);
const unicodeJsonPath = require.resolve("@fontsource/noto-sans-sc/unicode.json");
const packageSubsets: Record<string, string> = JSON.parse(readFileSync(unicodeJsonPath, "utf8"));

function declaredFaces(faces: ReturnType<typeof notoSansScFontFaces>) {
  const declared = faces[LABEL_FONT];
  if (!Array.isArray(declared)) throw new Error("expected an array of faces");
  return declared;
}

describe("notoSansScFileName", () => {
  it("maps numbered and named subsets to fontsource's file names", () => {
    expect(notoSansScFileName("[42]")).toBe("noto-sans-sc-42-400-normal.woff2");
    expect(notoSansScFileName("latin-ext")).toBe("noto-sans-sc-latin-ext-400-normal.woff2");
  });
  it("refuses keys that could escape the font directory", () => {
    expect(() => notoSansScFileName("../x")).toThrow(/Unexpected font subset/);
  });
});

describe("notoSansScFontFaces", () => {
  const faces = declaredFaces(notoSansScFontFaces(packageSubsets, "http://app.test/fonts/noto-sans-sc/"));

  it("declares one face per subset, Latin first", () => {
    expect(faces).toHaveLength(Object.keys(packageSubsets).length);
    expect(faces[0]?.url).toBe("http://app.test/fonts/noto-sans-sc/noto-sans-sc-latin-400-normal.woff2");
  });

  it("points only at files the installed package really ships", () => {
    const filesDir = join(dirname(unicodeJsonPath), "files");
    for (const face of faces) {
      const name = face.url.split("/").at(-1) ?? "";
      expect(existsSync(join(filesDir, name)), name).toBe(true);
    }
  });

  it("covers the Chinese characters the glossary uses", () => {
    const covered = (codePoint: number) =>
      faces.some((face) =>
        (face["unicode-range"] ?? []).some((range) => {
          const [start = "", end = start] = range.replace(/^U\+/i, "").split("-");
          return codePoint >= Number.parseInt(start, 16) && codePoint <= Number.parseInt(end, 16);
        }),
      );
    for (const char of "网格卡口摄像机街道社区离线在线") {
      expect(covered(char.codePointAt(0) ?? 0), char).toBe(true);
    }
  });
});

describe("unicodeRanges", () => {
  it("splits and trims a CSS list", () => {
    expect(unicodeRanges("U+0-FF, U+131,")).toEqual(["U+0-FF", "U+131"]);
  });
});

describe("withFontFaces", () => {
  it("adds the app's faces and keeps the base style's own", () => {
    const base = { ...backgroundOnlyStyle(), "font-faces": { Other: "http://x/other.ttf" } };
    const merged = withFontFaces(base, { [LABEL_FONT]: "http://x/noto.woff2" });
    expect(Object.keys(merged["font-faces"] ?? {}).sort()).toEqual([LABEL_FONT, "Other"].sort());
    expect(merged.layers).toEqual(base.layers);
  });
});
