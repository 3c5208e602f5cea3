import { describe, expect, it } from "vitest";
import { fakeJpeg, fixture, fixtureText } from "../fixtures/fixture-helpers.js";
import type { PlateParseInput } from "../parser-kit.js";
import { openalprParser as parser } from "./openalpr.js";

const input = (
  body: Buffer | string,
  receivedAt: Date,
  extra: Partial<PlateParseInput> = {},
): PlateParseInput => ({
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  contentType: "application/json",
  receivedAt,
  ...extra,
});

describe("openalpr", () => {
  it("reads an alpr_group (epoch ms) from the agent documentation", async () => {
    const [read] = await parser.parse(
      input(fixture("openalpr-group.json"), new Date("2015-11-24T00:50:30Z")),
    );
    expect(read).toMatchObject({
      plateText: "A13709",
      plateValid: false,
      plateKind: "unknown",
      confidence: 0.9208,
      deviceId: "1414799424",
      vendorEventId: "dimitar-video-cam1414799424-1448326208789",
      format: "openalpr",
      images: [],
    });
    expect(read?.capturedAt.toISOString()).toBe("2015-11-24T00:50:08.789Z");
    expect(read?.details).toMatchObject({ region: "mo", siteId: "dimitar-video", groupFrames: 5 });
  });

  it("reads Rekor Scout extras: vehicle attributes, direction and crops", async () => {
    const doc = JSON.parse(fixtureText("openalpr-group.json"));
    doc.agent_uid = "2zUlgOcMnFkEB1h8A0ha";
    doc.travel_direction = 185.5;
    doc.vehicle = {
      color: [{ name: "silver-gray", confidence: 71.2 }],
      body_type: [{ name: "suv-crossover", confidence: 88.1 }],
      make: [{ name: "toyota", confidence: 60 }],
    };
    doc.best_plate.plate_crop_jpeg = fakeJpeg(64).toString("base64");
    doc.vehicle_crop_jpeg = fakeJpeg(128).toString("base64");
    const [read] = await parser.parse(input(JSON.stringify(doc), new Date("2015-11-24T00:51:00Z")));
    expect(read).toMatchObject({
      vehicleType: "suv-crossover",
      vehicleColour: "silver-gray",
      direction: "185.5",
    });
    expect(read?.images.map((i) => ("data" in i ? [i.role, i.data.length] : null))).toEqual([
      ["plate", 64],
      ["scene", 128],
    ]);
  });

  it("reads old alpr_results in epoch seconds, one read per plate", async () => {
    const reads = await parser.parse(
      input(fixture("openalpr-results.json"), new Date("2014-06-07T17:11:00Z")),
    );
    expect(reads.map((r) => [r.plateText, r.capturedAt.toISOString(), r.vendorEventId])).toEqual([
      ["S11FRE", "2014-06-07T17:10:50.000Z", "f11e0acc-6aaf-4817-9299-9e6773043b8e#0"],
      ["EJLESSIE", "2014-06-07T16:20:50.000Z", "f11e0acc-6aaf-4817-9299-9e6773043b8e#1"],
    ]);
  });

  it("returns nothing for a heartbeat", async () => {
    expect(
      await parser.parse(input(fixture("openalpr-heartbeat.json"), new Date("2016-01-22T01:31:42Z"))),
    ).toEqual([]);
  });

  it("caps the number of reads", async () => {
    await expect(
      parser.parse(
        input(fixture("openalpr-results.json"), new Date("2014-06-07T17:11:00Z"), {
          limits: { maxReads: 1 },
        }),
      ),
    ).rejects.toMatchObject({ code: "too_many_reads" });
  });

  it("refuses a group without a plate and a results list that is not a list", async () => {
    const doc = JSON.parse(fixtureText("openalpr-group.json"));
    delete doc.best_plate_number;
    delete doc.best_plate;
    await expect(
      parser.parse(input(JSON.stringify(doc), new Date("2015-11-24T00:51:00Z"))),
    ).rejects.toMatchObject({
      code: "plate_empty",
    });
    await expect(parser.parse(input('{"results": 5}', new Date()))).rejects.toMatchObject({
      code: "invalid_payload",
      field: "results",
    });
  });
});
