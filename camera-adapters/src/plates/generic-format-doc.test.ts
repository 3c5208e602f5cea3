import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { genericParser, genericPlatePayloadSchema } from "./parsers/generic.js";
import { plateParseErrorCodes } from "./plate-errors.js";

const doc = readFileSync(new URL("./GENERIC-FORMAT.md", import.meta.url), "utf8");

describe("GENERIC-FORMAT.md stays true", () => {
  it("its example is accepted by the schema and the parser", async () => {
    const example = /```json\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(example).toBeDefined();
    expect(genericPlatePayloadSchema.safeParse(JSON.parse(example!)).success).toBe(true);
    const reads = await genericParser.parse({
      body: Buffer.from(example!),
      contentType: "application/json",
      receivedAt: new Date("2026-11-23T01:15:05Z"),
    });
    expect(reads.map((r) => r.plateText)).toEqual(["沪AD12345", "沪B12345"]);
  });

  it("documents every field of the schema and only real error codes", () => {
    const shape = Object.keys((genericPlatePayloadSchema.options[0] as { shape: object }).shape);
    for (const field of shape) expect(doc).toMatch(new RegExp(`\\|\\s*\`${field}\`\\s*\\|`));
    const codes = [
      ...(/Codes this format can produce:([\s\S]*)$/.exec(doc)?.[1] ?? "").matchAll(/`([a-z_]+)`/g),
    ];
    expect(codes.length).toBeGreaterThan(5);
    for (const [, code] of codes) expect(plateParseErrorCodes).toContain(code);
  });
});
