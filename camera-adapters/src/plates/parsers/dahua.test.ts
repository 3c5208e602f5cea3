import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { fixture, fixtureText } from "../fixtures/fixture-helpers.js";
import type { PlateParseInput } from "../parser-kit.js";
import { dahuaParser as parser } from "./dahua.js";

const receivedAt = new Date("2024-01-30T06:35:00Z");
const input = (body: Buffer | string, extra: Partial<PlateParseInput> = {}): PlateParseInput => ({
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  contentType: "application/json",
  receivedAt,
  ...extra,
});

describe("dahua: RPC event stream (TrafficJunction)", () => {
  it("reads a plate event, taking RealUTC as the capture time", async () => {
    const [read, ...rest] = await parser.parse(input(fixture("dahua-traffic-junction-plate.json")));
    expect(rest).toEqual([]);
    expect(read).toMatchObject({
      plateText: "京AD12345",
      plateKind: "new_energy_small",
      plateValid: true,
      plateColour: "green",
      confidence: 0.87,
      deviceId: "8M049B2PAJF3085",
      lane: 2,
      direction: "Obverse",
      vehicleType: "Motor",
      vehicleColour: "White",
      vendorEventId: "175706653:516",
      format: "dahua",
    });
    expect(read?.capturedAt.toISOString()).toBe("2024-01-30T06:34:55.000Z");
  });

  it("without RealUTC, reads the wall-clock-as-UTC field in the device zone", async () => {
    const doc = JSON.parse(fixtureText("dahua-traffic-junction-plate.json"));
    delete doc.params.eventList[0].Data.RealUTC;
    const [read] = await parser.parse(input(JSON.stringify(doc)));
    expect(read?.capturedAt.toISOString()).toBe("2024-01-30T06:34:55.305Z");
    // the same payload from a camera in Bangkok (UTC+7): an hour later in UTC
    const [bangkok] = await parser.parse(input(JSON.stringify(doc), { deviceTimeZone: "Asia/Bangkok" }));
    expect(bangkok?.capturedAt.toISOString()).toBe("2024-01-30T07:34:55.305Z");
  });

  it("dead-letters the real non-motor sample, whose plate text is empty", async () => {
    await expect(
      parser.parse(
        input(fixture("dahua-traffic-junction-nonmotor.json"), {
          receivedAt: new Date("2024-01-30T07:35:00Z"),
        }),
      ),
    ).rejects.toMatchObject({ code: "plate_empty" });
  });

  it("keeps the plate reads of a list even when one event has no plate", async () => {
    const plate = JSON.parse(fixtureText("dahua-traffic-junction-plate.json")).params.eventList[0];
    const empty = JSON.parse(fixtureText("dahua-traffic-junction-nonmotor.json")).params.eventList[0];
    const reads = await parser.parse(input(JSON.stringify({ params: { eventList: [empty, plate] } })));
    expect(reads.map((r) => r.plateText)).toEqual(["京AD12345"]);
  });

  it("ignores events that are not about plates", async () => {
    const reads = await parser.parse(
      input(JSON.stringify([{ Code: "VideoMotion", Data: { UTC: 1706625295 } }])),
    );
    expect(reads).toEqual([]);
  });

  it("refuses broken JSON and unknown shapes", async () => {
    await expect(parser.parse(input('{"params": {'))).rejects.toMatchObject({ code: "malformed_json" });
    await expect(parser.parse(input('{"hello": 1}'))).rejects.toMatchObject({ code: "invalid_payload" });
    await expect(parser.parse(input("[1]"))).rejects.toMatchObject({ code: "invalid_payload" });
  });
});

describe("dahua: ITSAPI TollgateInfo", () => {
  const at = new Date("2024-02-20T06:31:00Z");

  it("reads plate, snap info and both pictures", async () => {
    const [read] = await parser.parse(input(fixture("dahua-tollgate.json"), { receivedAt: at }));
    expect(read).toMatchObject({
      plateText: "粤BD12345",
      plateRaw: "粤B·D12345",
      plateColour: "green",
      plateKind: "new_energy_small",
      confidence: 0.96,
      deviceId: "7F0B4A5PAZ12345",
      lane: 1,
      direction: "Obverse",
      vehicleType: "MotorVehicle",
      vehicleColour: "White",
      vendorEventId: "20240220143045123_scene.jpg",
    });
    expect(read?.capturedAt.toISOString()).toBe("2024-02-20T06:30:45.123Z");
    expect(read?.images.map((i) => i.role)).toEqual(["plate", "scene"]);
    expect(read?.images.every((i) => "data" in i && i.data[0] === 0xff && i.mime === "image/jpeg")).toBe(
      true,
    );
  });

  it("decodes a GBK body that says so, and one that does not", async () => {
    const gbk = iconv.encode(fixtureText("dahua-tollgate.json"), "gbk");
    for (const contentType of ["application/json; charset=GBK", "application/json"]) {
      const [read] = await parser.parse(input(gbk, { receivedAt: at, contentType }));
      expect(read?.plateText).toBe("粤BD12345");
    }
  });

  it("refuses pictures over the cap and bad base64", async () => {
    await expect(
      parser.parse(
        input(fixture("dahua-tollgate.json"), { receivedAt: at, limits: { maxPictureBytes: 10 } }),
      ),
    ).rejects.toMatchObject({ code: "picture_too_large" });
    const doc = JSON.parse(fixtureText("dahua-tollgate.json"));
    doc.Picture.NormalPic.Content = "@@not base64@@";
    await expect(parser.parse(input(JSON.stringify(doc), { receivedAt: at }))).rejects.toMatchObject({
      code: "invalid_picture",
    });
  });

  it("reports a missing plate field with its path", async () => {
    const doc = JSON.parse(fixtureText("dahua-tollgate.json"));
    doc.Picture.Plate = "nope";
    await expect(parser.parse(input(JSON.stringify(doc), { receivedAt: at }))).rejects.toMatchObject({
      code: "invalid_payload",
      field: "Picture.Plate",
    });
  });
});
