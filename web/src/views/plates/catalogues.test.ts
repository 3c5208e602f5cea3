import { describe, expect, it } from "vitest";
import { placeholdersOf } from "../../i18n/i18n.js";
import type { ViewMessages } from "../../i18n/view-messages.js";
import { adminMessages } from "../admin/admin.messages.js";
import { permissionMessages } from "../admin/permissions.messages.js";
import { technicianMessages } from "../technician/technician.messages.js";
import { platesMessages } from "./plates.messages.js";

// The compiler checks both languages have the same keys; this checks the texts agree on their
// {placeholders} and that none is left empty.
const catalogues: ViewMessages<string>[] = [
  adminMessages,
  permissionMessages,
  technicianMessages,
  platesMessages,
];

describe("admin, technician and plate message catalogues", () => {
  for (const messages of catalogues) {
    it(`${messages.name}: zh-CN and en use the same placeholders, and no text is empty`, () => {
      for (const key of messages.keys) {
        const en = messages.catalogs.en[key] ?? "";
        const zh = messages.catalogs["zh-CN"][key] ?? "";
        expect(placeholdersOf(zh), key).toEqual(placeholdersOf(en));
        expect(en.trim(), key).not.toBe("");
        expect(zh.trim(), key).not.toBe("");
      }
    });
  }

  it("zh-CN texts are Chinese, not copies of the English", () => {
    const copied = catalogues.flatMap((messages) =>
      messages.keys.filter((key) => {
        const en = messages.catalogs.en[key] ?? "";
        const zh = messages.catalogs["zh-CN"][key] ?? "";
        // Symbols, codes and placeholders alike may be the same in both languages.
        return en === zh && /[A-Za-z]{3,}/.test(en.replace(/\{\w+\}/g, ""));
      }),
    );
    expect(copied).toEqual([]);
  });
});
