import { describe, expect, it } from "vitest";
import { fixture, fixtureText } from "../fixtures/fixture-helpers.js";
import type { PlateParseInput } from "../parser-kit.js";
import {
  genericPlatePayloadSchema,
  genericPlateReadSchema,
  genericParser as parser,
  wellFormedGenericRead,
} from "./generic.js";

const receivedAt = new Date("2026-11-23T01:15:05Z");
const input = (body: Buffer | string, extra: Partial<PlateParseInput> = {}): PlateParseInput => ({
  body: Buffer.isBuffer(body) ? body : Buffer.from(body),
  contentType: "application/json",
  receivedAt,
  ...extra,
});

describe("generic", () => {
  it("caps the pictures of a whole batch, not of each read", async () => {
    const picture = Buffer.from("a small jpeg stand-in").toString("base64");
    const read = (n: number) => ({
      plate: "沪B12345",
      capturedAt: "2026-11-23T01:15:03Z",
      deviceId: "d1",
      eventId: `e${n}`,
      images: [{ role: "plate", mime: "image/jpeg", base64: picture }],
    });
    const limits = { maxPictures: 2 };
    const two = await parser.parse(input(JSON.stringify([read(1), read(2)]), { limits }));
    expect(two.flatMap((r) => r.images)).toHaveLength(2);
    await expect(
      parser.parse(input(JSON.stringify([read(1), read(2), read(3)]), { limits })),
    ).rejects.toMatchObject({ code: "too_many_pictures" });
  });

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

describe("wellFormedGenericRead (the parser's check without zod)", () => {
  const base = { plate: "沪B12345", capturedAt: "2026-11-23T01:15:03Z", deviceId: "d1" };
  /** Values worth trying in any field: right and wrong types, edges of every length cap. */
  const values: unknown[] = [
    undefined,
    null,
    "",
    "x",
    "blue",
    "purple",
    "沪A·D12345",
    "a".repeat(64),
    "a".repeat(65),
    "a".repeat(128),
    "a".repeat(129),
    "a".repeat(256),
    "a".repeat(257),
    "a".repeat(512),
    "a".repeat(513),
    "2026-11-23T01:15:03Z",
    "2026-11-23T09:15:02.250+08:00",
    "2026-11-23T09:15:02+0800",
    "2026-11-23 01:15:03Z",
    "2026-02-29T01:15:03Z",
    "2024-02-29T01:15:03Z",
    "2026-11-23T24:00:00Z",
    "2026-11-23T09:15:02",
    0,
    -0,
    1,
    0.5,
    -0.1,
    1.01,
    42,
    99,
    100,
    -1,
    2.5,
    2 ** 60,
    true,
    false,
    [],
    [{ role: "scene", url: "https://media.example.org/a.jpg" }],
    {},
    { checkpointCode: "KK-0102", n: 1, ok: true, none: null },
    { nested: { a: 1 } },
    { ["k".repeat(65)]: 1 },
    { long: "v".repeat(513) },
    Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])),
    JSON.parse('{"__proto__": {"polluted": 1}}'),
    JSON.parse('{"__proto__": 5, "a": 1}'),
    new Date("2026-11-23T01:15:03Z"),
  ];
  const fields = [...Object.keys(genericPlateReadSchema.shape), "plateNumber"];

  /** The fast check may say null where zod accepts, never accept what zod refuses or differ from its result. */
  function agrees(candidate: unknown): void {
    const fast = wellFormedGenericRead(candidate);
    const slow = genericPlateReadSchema.safeParse(candidate);
    if (fast) {
      expect(slow.success, JSON.stringify(candidate)).toBe(true);
      expect(fast).toEqual(slow.data);
    }
  }

  it("agrees with the schema on every field set to every tried value", () => {
    for (const field of fields) for (const value of values) agrees({ ...base, [field]: value });
  });

  it("agrees with the schema on random combinations", () => {
    let seed = 99;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let n = 0; n < 3000; n++) {
      const candidate: Record<string, unknown> = { ...base };
      for (let k = Math.floor(rand() * 4); k >= 0; k--) {
        const value = values[Math.floor(rand() * values.length)];
        const field = fields[Math.floor(rand() * fields.length)]!;
        if (value === undefined && rand() < 0.5) delete candidate[field];
        else candidate[field] = value;
      }
      agrees(candidate);
    }
    for (const value of values) agrees(value);
  });

  it("takes the usual push: every field the bench and the guide send, without pictures", () => {
    const read = {
      ...base,
      plateColour: "green",
      confidence: 0.94,
      channel: "1",
      lane: 1,
      direction: "in",
      vehicleType: "small_car",
      vehicleColour: "white",
      eventId: "kk0102-000183",
      details: { checkpointCode: "KK-0102" },
    };
    expect(wellFormedGenericRead(read)).toEqual(genericPlateReadSchema.parse(read));
    expect(wellFormedGenericRead(base)).toEqual(genericPlateReadSchema.parse(base));
  });

  it.each([
    ["a time without offset", { capturedAt: "2026-11-23T09:15:03" }],
    ["an unknown colour", { plateColour: "purple" }],
    ["confidence above 1", { confidence: 93 }],
    ["an unknown field", { plateNumber: "x" }],
    ["an empty plate", { plate: "" }],
    ["a lane of 100", { lane: 100 }],
    ["a long event id", { eventId: "e".repeat(257) }],
    ["a nested detail", { details: { a: { b: 1 } } }],
  ])("answers %s exactly as the schema words it", async (_name, patch) => {
    const body = { ...base, ...patch };
    expect(wellFormedGenericRead(body)).toBeNull();
    const issue = genericPlateReadSchema.safeParse(body).error?.issues[0];
    const field = issue?.path.map(String).join(".");
    const error = await parser.parse(input(JSON.stringify(body))).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "invalid_payload", field: field || undefined });
    expect((error as Error).message).toContain(`${field || "(root)"}: ${issue?.message}`);
    // In a batch the item's index leads the field, as before.
    const inBatch = await parser.parse(input(JSON.stringify([base, body]))).catch((e: unknown) => e);
    expect(inBatch).toMatchObject({ code: "invalid_payload", field: field ? `1.${field}` : "1" });
  });
});
