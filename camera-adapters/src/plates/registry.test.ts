import { describe, expect, it } from "vitest";
import { fixture } from "./fixtures/fixture-helpers.js";
import { plateFormats } from "./plate-read.js";
import { parsePlatePayload, plateParsers } from "./registry.js";

describe("plate parser registry", () => {
  it("has one parser per format, each knowing its own format", () => {
    expect(Object.keys(plateParsers).sort()).toEqual([...plateFormats].sort());
    for (const format of plateFormats) expect(plateParsers[format].format).toBe(format);
  });

  it("dispatches by format", async () => {
    const reads = await parsePlatePayload("openalpr", {
      body: fixture("openalpr-group.json"),
      contentType: "application/json",
      receivedAt: new Date("2015-11-24T00:50:30Z"),
    });
    expect(reads[0]?.format).toBe("openalpr");
  });

  it("refuses an unknown format with its own code", async () => {
    await expect(
      parsePlatePayload("axis", {
        body: Buffer.from("{}"),
        contentType: "application/json",
        receivedAt: new Date(),
      }),
    ).rejects.toMatchObject({ code: "unknown_format" });
  });

  it("gives the same payload to the wrong parser a clear error, not a crash", async () => {
    const body = fixture("openalpr-group.json");
    for (const format of ["hikvision-isapi", "dahua", "chinese-parking", "generic", "frigate"] as const) {
      const error = await parsePlatePayload(format, {
        body,
        contentType: "application/json",
        receivedAt: new Date("2015-11-24T00:50:30Z"),
      }).catch((e: unknown) => e);
      expect(error, format).toMatchObject({
        code: expect.stringMatching(/^(unsupported_content_type|invalid_payload)$/),
      });
    }
  });
});
