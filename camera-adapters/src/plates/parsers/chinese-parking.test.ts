import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { fixture, fixtureText } from "../fixtures/fixture-helpers.js";
import type { PlateParseInput } from "../parser-kit.js";
import { chineseParkingParser as parser } from "./chinese-parking.js";

const receivedAt = new Date("2024-02-20T06:30:47Z");
const input = (
  body: Buffer | string,
  contentType = "application/json",
  extra: Partial<PlateParseInput> = {},
) => ({
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  contentType,
  receivedAt,
  ...extra,
});

function withLicense(license: string): string {
  const doc = JSON.parse(fixtureText("chinese-parking-cn.json"));
  doc.AlarmInfoPlate.result.PlateResult.license = license;
  return JSON.stringify(doc);
}

describe("chinese-parking (AlarmInfoPlate)", () => {
  it("reads plate, colour code, timeval and both pictures", async () => {
    const [read] = await parser.parse(input(fixture("chinese-parking-cn.json")));
    expect(read).toMatchObject({
      plateText: "京A12345",
      plateColour: "blue",
      plateKind: "regular",
      plateValid: true,
      confidence: 0.93,
      deviceId: "e1a2b3c4-5d6e7f80",
      channel: "0",
      direction: "4",
      vendorEventId: "1893",
      format: "chinese-parking",
    });
    expect(read?.capturedAt.toISOString()).toBe("2024-02-20T06:30:45.120Z");
    expect(read?.images.map((i) => i.role)).toEqual(["scene", "plate"]);
    expect(read?.details).toMatchObject({
      deviceName: "入口相机",
      colorTypeCode: 1,
      ipAddress: "192.168.1.100",
    });
  });

  it("reads the real AlphaDigi sample (white plate, foreign text kept)", async () => {
    const [read] = await parser.parse(
      input(fixture("chinese-parking-alphadigi.json"), "application/json", {
        receivedAt: new Date("2022-12-14T00:10:00Z"),
      }),
    );
    expect(read).toMatchObject({
      plateText: "OTM2022",
      plateColour: "white",
      plateValid: false,
      deviceId: "fd495d6ee960dbec",
    });
    expect(read?.capturedAt.toISOString()).toBe("2022-12-14T00:09:10.000Z");
  });

  it("decodes GBK bodies: declared gb2312, or undeclared", async () => {
    const gbk = iconv.encode(fixtureText("chinese-parking-cn.json"), "gbk");
    expect(gbk.includes(Buffer.from("京", "utf8"))).toBe(false);
    for (const contentType of [
      "application/json; charset=gb2312",
      "text/plain",
      "application/x-www-form-urlencoded",
    ]) {
      const [read] = await parser.parse(input(gbk, contentType));
      expect(read?.plateText).toBe("京A12345");
      expect(read?.details.deviceName).toBe("入口相机");
    }
  });

  it("decodes base64-encoded licenses, and only those", async () => {
    const b64 = Buffer.from("沪AD12345", "utf8").toString("base64");
    const [read] = await parser.parse(input(withLicense(b64)));
    expect(read).toMatchObject({ plateText: "沪AD12345", plateKind: "new_energy_small" });
    expect(read?.details.licenseWasBase64).toBe(true);
    const [plain] = await parser.parse(input(withLicense("ABCD1234")));
    expect(plain?.plateText).toBe("ABCD1234");
  });

  it.each(["_无_", Buffer.from("_无_").toString("base64"), "无车牌", ""])(
    "dead-letters the no-plate license %j",
    async (license) => {
      await expect(parser.parse(input(withLicense(license)))).rejects.toMatchObject({ code: "plate_empty" });
    },
  );

  it("returns nothing for heartbeats on the same endpoint", async () => {
    expect(
      await parser.parse(input('{"heartbeat":{"countid":1,"timeStamp":{"Timeval":{"sec":1}}}}')),
    ).toEqual([]);
  });

  it("reads the MQTT envelope with payload.AlarmInfoPlate", async () => {
    const doc = JSON.parse(fixtureText("chinese-parking-cn.json"));
    const [read] = await parser.parse(input(JSON.stringify({ name: "ivs_result", payload: doc })));
    expect(read?.plateText).toBe("京A12345");
  });

  it("refuses a result block of the wrong shape, and a picture too large", async () => {
    await expect(parser.parse(input('{"AlarmInfoPlate":{"result":{}}}'))).rejects.toMatchObject({
      code: "invalid_payload",
      field: "result.PlateResult",
    });
    await expect(
      parser.parse(
        input(fixture("chinese-parking-cn.json"), "application/json", { limits: { maxPictureBytes: 8 } }),
      ),
    ).rejects.toMatchObject({ code: "picture_too_large" });
    await expect(
      parser.parse(
        input(fixture("chinese-parking-cn.json"), "application/json", { limits: { maxPictures: 1 } }),
      ),
    ).rejects.toMatchObject({ code: "too_many_pictures" });
  });

  it("refuses a timestamp older than seven days", async () => {
    await expect(
      parser.parse(
        input(fixture("chinese-parking-cn.json"), "application/json", {
          receivedAt: new Date("2024-03-01T00:00:00Z"),
        }),
      ),
    ).rejects.toMatchObject({ code: "timestamp_out_of_range" });
  });
});
