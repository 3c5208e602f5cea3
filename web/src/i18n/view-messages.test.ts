import { describe, expect, it } from "vitest";
import { placeholdersOf, translate, translatorFor, viewTranslator } from "./i18n.js";
import { defineMessages, MessageKeyCollision, type ViewMessages } from "./view-messages.js";

// Every view's catalogue, found the way a new view adds one: a `<view>.messages.ts` file.
const modules = import.meta.glob<Record<string, unknown>>("../**/*.messages.ts", { eager: true });
const catalogues = Object.entries(modules).flatMap(([file, exports]) =>
  Object.values(exports)
    .filter(
      (value): value is ViewMessages<string> =>
        typeof value === "object" && value !== null && "catalogs" in value,
    )
    .map((messages) => ({ file, messages })),
);

describe("per-view message catalogues", () => {
  it("finds the views' catalogues", () => {
    expect(catalogues.length).toBeGreaterThan(0);
  });

  for (const { file, messages } of catalogues) {
    describe(file, () => {
      const en = (key: string) => messages.catalogs.en[key] ?? "";
      const zhText = (key: string) => messages.catalogs["zh-CN"][key] ?? "";
      const zh = messages.catalogs["zh-CN"];

      it("has the same keys in zh-CN and en", () => {
        expect(Object.keys(zh).sort()).toEqual(Object.keys(messages.catalogs.en).sort());
      });

      it("has non-empty texts with the same placeholders in both languages", () => {
        for (const key of messages.keys) {
          expect(en(key).trim(), `en ${key}`).not.toBe("");
          expect(zhText(key).trim(), `zh-CN ${key}`).not.toBe("");
          expect(placeholdersOf(zhText(key)), key).toEqual(placeholdersOf(en(key)));
        }
      });

      it("is reachable through the shared translator", () => {
        for (const key of messages.keys) {
          expect(translatorFor("en")(key as never)).toBe(en(key));
          expect(translatorFor("zh-CN")(key as never)).toBe(zhText(key));
        }
      });
    });
  }
});

describe("defineMessages", () => {
  it("registers keys so translate() and a view translator find them", () => {
    const messages = defineMessages("test-a", {
      en: { "testA.hello": "Hello {name}" },
      "zh-CN": { "testA.hello": "你好 {name}" },
    });
    const t = viewTranslator(messages, translatorFor("zh-CN"));
    expect(t("testA.hello", { name: "王" })).toBe("你好 王");
    expect(t("layers.cells")).toBe("网格");
    expect(translate("en", "testA.hello" as never, { name: "Li" })).toBe("Hello Li");
  });

  it("refuses a key that the shared catalogue or another view already defines", () => {
    expect(() =>
      defineMessages("test-b", { en: { "layers.cells": "x" }, "zh-CN": { "layers.cells": "x" } }),
    ).toThrow(MessageKeyCollision);
    defineMessages("test-c", { en: { "testC.x": "x" }, "zh-CN": { "testC.x": "x" } });
    expect(() => defineMessages("test-d", { en: { "testC.x": "y" }, "zh-CN": { "testC.x": "y" } })).toThrow(
      /testC\.x.*test-c and test-d/,
    );
  });

  it("is checked by the compiler: a missing zh-CN key does not type-check", () => {
    // @ts-expect-error zh-CN lacks "testE.two"
    defineMessages("test-e", { en: { "testE.one": "1", "testE.two": "2" }, "zh-CN": { "testE.one": "一" } });
    defineMessages("test-f", {
      en: { "testF.one": "1" },
      // @ts-expect-error zh-CN has a key en does not have
      "zh-CN": { "testF.one": "一", "testF.extra": "多" },
    });
  });
});
