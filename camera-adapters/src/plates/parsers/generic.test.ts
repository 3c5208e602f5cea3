import { describe, expect, it } from "vitest";
import { fixture, fixtureText } from "../fixtures/fixture-helpers.js";
import type { PlateParseInput } from "../parser-kit.js";
import { genericPlatePayloadSchema, genericParser as parser } from "./generic.js";

const receivedAt = new Date("2026-11-23T01:15:05Z");
const input = (body: Buffer | string, extra: Partial<PlateParseInput> = {}): PlateParseInput => ({
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  contentType: "application/json",
  receivedAt,
  ...extra,
});

describe("generic", () => {
  it("reads a batch with defaults filled in", async () => {
    const [first, second] = await parser.parse(input(fixture("generic-batch.json")));
    expect(first).toMatchObject({
      plateText: "沪AD12345",
      plateColour: "green",
      plateKind: "new_energy_small",
      confidence: 0.94,
      deviceId: "KK-0102-L1",
      channel: "1",
      lane: 1,
      direction: "in",
      vendorEventId: "kk0102-000183",
      details: { checkpointCode: "KK-0102" },
    });
    expect(first?.capturedAt.toISOString()).toBe("2026-11-23T01:15:02.250Z");
    expect(first?.images[0]).toMatchObject({ role: "plate", mime: "image/jpeg" });
    expect(first?.images[1]).toEqual({ role: "scene", url: "https://media.example.org/kk0102/000183.jpg" });
    expect(second).toMatchObject({
      plateText: "沪B12345",
      plateColour: "unknown",
      confidence: null,
      images: [],
    });
  });

  it("reads a single object", async () => {
    const one = JSON.parse(fixtureText("generic-batch.json"))[1];
    const reads = await parser.parse(input(JSON.stringify(one)));
    expect(reads).toHaveLength(1);
  });

  it.each([
    ["a time without offset", { capturedAt: "2026-11-23T09:15:03" }, "capturedAt"],
    ["an unknown colour", { plateColour: "purple" }, "plateColour"],
    ["confidence above 1", { confidence: 93 }, "confidence"],
    ["an unknown field", { plateNumber: "x" }, undefined],
    ["a file: URL image", { images: [{ role: "scene", url: "file:///etc/passwd" }] }, "images.0"],
  ])("refuses %s", async (_name, patch, field) => {
    const base = { plate: "沪B12345", capturedAt: "2026-11-23T01:15:03Z", deviceId: "d1" };
    const error = await parser.parse(input(JSON.stringify({ ...base, ...patch }))).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "invalid_payload" });
    if (field) expect((error as { field?: string }).field).toContain(field);
  });

  it("caps reads before validating each", async () => {
    const many = Array.from({ length: 5 }, () => ({
      plate: "沪B12345",
      capturedAt: "2026-11-23T01:15:03Z",
      deviceId: "d",
    }));
    await expect(
      parser.parse(input(JSON.stringify(many), { limits: { maxReads: 4 } })),
    ).rejects.toMatchObject({
      code: "too_many_reads",
    });
  });

  it("exports a schema that accepts the documented example", () => {
    const doc = JSON.parse(fixtureText("generic-batch.json"));
    expect(genericPlatePayloadSchema.safeParse(doc).success).toBe(true);
  });

  it("accepts its own media type and refuses others", async () => {
    const body = fixture("generic-batch.json");
    expect(
      await parser.parse(input(body, { contentType: "application/vnd.gridops.plate-read+json" })),
    ).toHaveLength(2);
    await expect(parser.parse(input(body, { contentType: "text/csv" }))).rejects.toMatchObject({
      code: "unsupported_content_type",
    });
  });
});
