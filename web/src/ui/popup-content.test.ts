import { describe, expect, it } from "vitest";
import { translatorFor } from "../i18n/i18n.js";
import { popupModel } from "./popup-content.js";

const zh = translatorFor("zh-CN");
const en = translatorFor("en");
const values = (model: ReturnType<typeof popupModel>) =>
  Object.fromEntries(model.rows.map((r) => [r.label, r.value]));

describe("popupModel", () => {
  it("shows a cell's code, name and localised level", () => {
    const props = { code: "310101001", name: "外滩街道", name_en: "Bund Street", level: "street" };
    expect(values(popupModel("cell", props, zh, "zh-CN"))).toEqual({
      网格编码: "310101001",
      名称: "外滩街道",
      层级: "街道(乡镇)",
    });
    const english = popupModel("cell", props, en, "en");
    expect(english.heading).toBe("Bund Street");
    expect(values(english).Level).toBe("Street");
  });

  it("falls back to the Chinese name when a feature has no English one", () => {
    expect(popupModel("cell", { code: "1", name: "第一网格", level: "grid" }, en, "en").heading).toBe(
      "第一网格",
    );
  });

  it("shows a checkpoint's grade, road and direction with a dash for missing ones", () => {
    const model = popupModel("checkpoint", { name: "东门卡口", grade: "B", road: "人民路" }, zh, "zh-CN");
    expect(values(model)).toMatchObject({ 等级: "B级（岗亭）", 道路: "人民路", 方向: "—" });
  });

  it("shows a camera's vendor, model, localised health and bearing", () => {
    const props = {
      name: "东门1号",
      vendor: "hikvision",
      model: "DS-2CD2T47",
      status: "auth_failed",
      bearing: 135,
    };
    expect(values(popupModel("camera", props, zh, "zh-CN"))).toMatchObject({
      厂商: "hikvision",
      型号: "DS-2CD2T47",
      健康状态: "认证失败",
      朝向: "135°",
    });
    expect(values(popupModel("camera", props, en, "en")).Health).toBe("Authentication failed");
  });

  it("shows an unrecognised status as sent and a missing one as unknown", () => {
    expect(values(popupModel("camera", { name: "x", status: "rebooting" }, en, "en")).Health).toBe(
      "rebooting",
    );
    expect(values(popupModel("camera", { name: "x" }, en, "en")).Health).toBe("Unknown");
  });
});
