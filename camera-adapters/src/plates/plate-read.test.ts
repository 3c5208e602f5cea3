import { describe, expect, it } from "vitest";
import { isWellFormedPlateRead, normalisedPlateReadSchema } from "./plate-read.js";

const base = {
  plateText: "沪B12345",
  plateRaw: "沪B·12345",
  plateColour: "blue",
  plateValid: true,
  plateKind: "regular",
  confidence: 0.9,
  capturedAt: new Date("2026-11-23T01:15:03Z"),
  deviceId: "d1",
  channel: null,
  lane: null,
  direction: null,
  vehicleType: null,
  vehicleColour: null,
  images: [],
  vendorEventId: null,
  format: "generic",
  details: { timeSource: "device", colourSource: "device" },
};

/** Right and wrong values for any field, with every length cap's edges. */
const values: unknown[] = [
  undefined,
  null,
  "",
  "x",
  "blue",
  "regular",
  "generic",
  "purple",
  "a".repeat(32),
  "a".repeat(33),
  "a".repeat(64),
  "a".repeat(65),
  "a".repeat(128),
  "a".repeat(129),
  "a".repeat(256),
  "a".repeat(257),
  0,
  1,
  0.5,
  -0.1,
  1.5,
  2 ** 60,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  true,
  false,
  new Date("2026-11-23T01:15:03Z"),
  new Date(Number.NaN),
  "2026-11-23T01:15:03Z",
  [],
  [{ role: "scene", url: "https://media.example.org/a.jpg" }],
  [{ role: "plate", mime: "image/jpeg", data: Buffer.from([0xff, 0xd8]) }],
  {},
  { a: 1, b: "x", c: true, d: null },
  { a: { nested: 1 } },
  { long: "v".repeat(513) },
  { inf: Number.POSITIVE_INFINITY },
  Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`k${i}`, i])),
  JSON.parse('{"__proto__": 5, "a": 1}'),
];

/** The check may send a valid read to zod, never pass one zod refuses or whose result differs. */
function agrees(candidate: Record<string, unknown>): void {
  const slow = normalisedPlateReadSchema.safeParse(candidate);
  if (isWellFormedPlateRead(candidate)) {
    expect(slow.success, String(Object.entries(candidate))).toBe(true);
    expect(candidate).toEqual(slow.data);
  }
}

describe("isWellFormedPlateRead (buildPlateRead's check without zod)", () => {
  it("passes a usual read", () => {
    expect(isWellFormedPlateRead(base)).toBe(true);
    agrees(base);
  });

  it("agrees with the schema on every field set to every tried value", () => {
    for (const field of Object.keys(base)) for (const value of values) agrees({ ...base, [field]: value });
  });

  it("leaves reads with pictures to the schema", () => {
    expect(
      isWellFormedPlateRead({ ...base, images: [{ role: "scene", url: "https://media.example.org/a.jpg" }] }),
    ).toBe(false);
  });

  it("agrees with the schema on random combinations", () => {
    let seed = 5;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const fields = Object.keys(base);
    for (let n = 0; n < 3000; n++) {
      const candidate: Record<string, unknown> = { ...base };
      for (let k = Math.floor(rand() * 3); k >= 0; k--)
        candidate[fields[Math.floor(rand() * fields.length)]!] = values[Math.floor(rand() * values.length)];
      agrees(candidate);
    }
  });
});
