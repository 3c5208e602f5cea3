import { describe, expect, it } from "vitest";
import { fixtureText } from "../fixtures/fixture-helpers.js";
import type { PlateParseInput } from "../parser-kit.js";
import { frigateParser as parser } from "./frigate.js";

const receivedAt = new Date("2020-12-04T23:19:30Z");
const input = (doc: unknown): PlateParseInput => ({
  body: Buffer.from(typeof doc === "string" ? doc : JSON.stringify(doc)),
  contentType: "application/json",
  receivedAt,
});
const event = () => JSON.parse(fixtureText("frigate-event-lpr.json"));

describe("frigate", () => {
  it("reads the recognised plate of a car", async () => {
    const [read] = await parser.parse(input(event()));
    expect(read).toMatchObject({
      plateText: "ABC12345",
      confidence: 0.933451,
      deviceId: "front_gate",
      vehicleType: "car",
      vendorEventId: "1607123955.475377-mxklsc/ABC12345",
      format: "frigate",
      details: {
        trackedObjectId: "1607123955.475377-mxklsc",
        frigateType: "update",
        plateSource: "lpr",
        subLabel: "Delivery van",
        zones: "yard,driveway",
      },
    });
    expect(read?.capturedAt.toISOString()).toBe("2020-12-04T23:19:22.082Z");
  });

  it("accepts the [plate, score] tuple form", async () => {
    const doc = event();
    doc.after.recognized_license_plate = ["京A12345", 0.9];
    delete doc.after.recognized_license_plate_score;
    const [read] = await parser.parse(input(doc));
    expect(read).toMatchObject({ plateText: "京A12345", confidence: 0.9, plateValid: true });
  });

  it("takes a plate-like sub_label (add-on recognisers) but not a name", async () => {
    const doc = event();
    doc.after.recognized_license_plate = null;
    doc.after.sub_label = ["ABC123", 0.88];
    expect((await parser.parse(input(doc)))[0]).toMatchObject({
      plateText: "ABC123",
      details: { plateSource: "sub_label" },
    });
    doc.after.sub_label = ["Delivery van", 0.9];
    expect(await parser.parse(input(doc))).toEqual([]);
  });

  it("returns nothing for people, false positives and cars without a plate yet", async () => {
    const person = event();
    person.after.label = "person";
    const falsePositive = event();
    falsePositive.after.false_positive = true;
    const noPlate = event();
    noPlate.after.recognized_license_plate = null;
    noPlate.after.sub_label = null;
    for (const doc of [person, falsePositive, noPlate]) expect(await parser.parse(input(doc))).toEqual([]);
  });

  it("refuses messages that are not Frigate events", async () => {
    await expect(parser.parse(input({ type: "update", after: { id: "x" } }))).rejects.toMatchObject({
      code: "invalid_payload",
    });
    await expect(parser.parse(input("online"))).rejects.toMatchObject({ code: "malformed_json" });
  });
});
