import { describe, expect, it } from "vitest";
import { readJpegSize } from "./jpeg-info.js";

/** Minimal baseline JPEG skeleton: SOI, APP0, SOF0 (w×h), EOI. Enough for the header walk. */
function jpegSkeleton(width: number, height: number): Buffer {
  const app0 = [
    0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00,
    0x00,
  ];
  const sof0 = [
    0xff,
    0xc0,
    0x00,
    0x0b,
    0x08,
    height >> 8,
    height & 0xff,
    width >> 8,
    width & 0xff,
    0x01,
    0x01,
    0x11,
    0x00,
  ];
  return Buffer.from([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9]);
}

describe("readJpegSize", () => {
  it("reads width and height from SOF0", () => {
    expect(readJpegSize(jpegSkeleton(1920, 1080))).toEqual({ width: 1920, height: 1080 });
  });

  it("rejects truncated data and non-JPEG bytes", () => {
    const jpeg = jpegSkeleton(64, 48);
    expect(readJpegSize(jpeg.subarray(0, jpeg.length - 2))).toBeNull();
    expect(readJpegSize(Buffer.from("\x89PNG\r\n\x1a\n"))).toBeNull();
    expect(readJpegSize(Buffer.alloc(0))).toBeNull();
  });
});
