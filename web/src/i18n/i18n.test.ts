import { describe, expect, it } from "vitest";
import { isMessageKey, LANGUAGES, messagesFor, placeholdersOf, resolveLanguage, translate } from "./i18n.js";
import { LanguageStore } from "./language-store.js";
import { en } from "./messages.en.js";
import { zhCN } from "./messages.zh-CN.js";

describe("message catalogues", () => {
  it("have exactly the same keys in zh-CN and en", () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
  });

  it("have a non-empty text for every key in every language", () => {
    for (const language of LANGUAGES) {
      for (const [key, text] of Object.entries(messagesFor(language))) {
        expect(text.trim(), `${language} ${key}`).not.toBe("");
      }
    }
  });

  it("use the same placeholders in both languages", () => {
    for (const key of Object.keys(en)) {
      if (!isMessageKey(key)) throw new Error(`not a key: ${key}`);
      expect(placeholdersOf(zhCN[key]), key).toEqual(placeholdersOf(en[key]));
    }
  });

  it("use the glossary's zh-CN terms for the core domain words", () => {
    expect(zhCN["layers.cells"]).toBe("网格");
    expect(zhCN["layers.checkpoints"]).toBe("卡口");
    expect(zhCN["layers.cameras"]).toBe("摄像机");
    expect(zhCN["popup.cell.code"]).toBe("网格编码");
    expect(zhCN["status.offline"]).toBe("离线");
  });
});

describe("translate", () => {
  it("fills placeholders and leaves unknown ones visible", () => {
    expect(translate("en", "error.locked_out", { seconds: 42 })).toBe(
      "Too many failed attempts. Try again in 42 s.",
    );
    expect(translate("zh-CN", "error.locked_out", { seconds: 42 })).toContain("42 秒");
    expect(translate("en", "error.locked_out")).toContain("{seconds}");
  });
});

describe("resolveLanguage", () => {
  it("prefers the stored explicit choice", () => {
    expect(resolveLanguage("en", ["zh-CN"], "zh-CN")).toBe("en");
  });
  it("ignores a stored value that is not a language", () => {
    expect(resolveLanguage("fr", ["en-GB"], "zh-CN")).toBe("en");
  });
  it("takes the first browser language it supports", () => {
    expect(resolveLanguage(null, ["fr-FR", "zh-Hans-CN", "en"], "en")).toBe("zh-CN");
    expect(resolveLanguage(null, ["de", "en-US"], "zh-CN")).toBe("en");
  });
  it("falls back to the server default", () => {
    expect(resolveLanguage(null, ["fr", "de"], "zh-CN")).toBe("zh-CN");
    expect(resolveLanguage(null, [], "en")).toBe("en");
  });
});

describe("LanguageStore", () => {
  it("stores an explicit switch and notifies subscribers once per change", () => {
    const saved = new Map<string, string>();
    const store = new LanguageStore("zh-CN", { setItem: (k, v) => saved.set(k, v) });
    const seen: string[] = [];
    store.subscribe((language) => seen.push(language));
    store.set("en");
    store.set("en");
    expect(seen).toEqual(["en"]);
    expect([...saved.values()]).toEqual(["en"]);
    expect(store.t("layers.cells")).toBe("Grid cells");
  });
});
