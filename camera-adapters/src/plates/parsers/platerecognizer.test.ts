import { describe, expect, it } from "vitest";
import { fakeJpeg, fixture, fixtureText, multipartBody } from "../fixtures/fixture-helpers.js";
import type { PlateParseInput } from "../parser-kit.js";
import { platerecognizerParser as parser } from "./platerecognizer.js";

const receivedAt = new Date("2021-09-29T05:56:15Z");
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

describe("platerecognizer", () => {
  it("reads the Stream webhook JSON", async () => {
    const [read] = await parser.parse(input(fixture("platerecognizer-stream.json")));
    expect(read).toMatchObject({
      plateText: "9JUB11",
      plateRaw: "9jub11",
      confidence: 0.839,
      deviceId: "camera-1",
      vehicleType: "Big Truck",
      direction: null,
      vendorEventId: "camera-1_screenshots/21-09-29/05-56-13.606935.jpg",
      format: "platerecognizer",
    });
    expect(read?.capturedAt.toISOString()).toBe("2021-09-29T05:56:13.606Z");
    expect(read?.details).toMatchObject({
      region: "gb",
      detectionScore: 0.441,
      candidates: "9jub11,sju88y,sjubi",
    });
  });

  it("reads the multipart variant with the image in 'upload'", async () => {
    const body = multipartBody([
      { name: "json", data: fixtureText("platerecognizer-stream.json") },
      { name: "upload", filename: "05-56-13.606935.jpg", contentType: "image/jpeg", data: fakeJpeg(1024) },
    ]);
    const [read] = await parser.parse(input(body, "multipart/form-data; boundary=boundary"));
    expect(read?.plateText).toBe("9JUB11");
    expect(read?.images).toHaveLength(1);
    expect(read?.images[0]).toMatchObject({ role: "scene", mime: "image/jpeg" });
  });

  it("refuses multipart without the json field, and an oversized upload", async () => {
    const noJson = multipartBody([
      { name: "upload", filename: "a.jpg", contentType: "image/jpeg", data: fakeJpeg() },
    ]);
    await expect(parser.parse(input(noJson, "multipart/form-data; boundary=boundary"))).rejects.toMatchObject(
      {
        code: "missing_part",
      },
    );
    const big = multipartBody([
      { name: "json", data: fixtureText("platerecognizer-stream.json") },
      { name: "upload", filename: "a.jpg", contentType: "image/jpeg", data: fakeJpeg(9000) },
    ]);
    await expect(
      parser.parse(
        input(big, "multipart/form-data; boundary=boundary", { limits: { maxPictureBytes: 8192 } }),
      ),
    ).rejects.toMatchObject({ code: "picture_too_large" });
  });

  it("reads a Snapshot API result posted as is", async () => {
    const snapshot = {
      processing_time: 288.758,
      results: [
        { plate: "nhk552", score: 0.904, region: { code: "gb", score: 0.743 }, vehicle: { type: "Sedan" } },
      ],
      filename: "1617_7M83K_car.jpg",
      version: 1,
      camera_id: "gate-east",
      timestamp: "2021-09-29T05:56:10.000000Z",
    };
    const [read] = await parser.parse(input(JSON.stringify(snapshot)));
    expect(read).toMatchObject({ plateText: "NHK552", deviceId: "gate-east", vehicleType: "Sedan" });
  });

  it("returns nothing for non-recognition hooks and empty results", async () => {
    const doc = JSON.parse(fixtureText("platerecognizer-stream.json"));
    expect(
      await parser.parse(input(JSON.stringify({ ...doc, hook: { ...doc.hook, event: "heartbeat" } }))),
    ).toEqual([]);
    expect(await parser.parse(input(JSON.stringify({ ...doc, data: { ...doc.data, results: [] } })))).toEqual(
      [],
    );
  });

  it("refuses XML and malformed JSON", async () => {
    await expect(parser.parse(input("<a/>", "application/xml"))).rejects.toMatchObject({
      code: "unsupported_content_type",
    });
    await expect(parser.parse(input("{'single': 'quotes'}"))).rejects.toMatchObject({
      code: "malformed_json",
    });
  });
});
