export interface JpegSize {
  width: number;
  height: number;
}

/**
 * Reads the frame size from a JPEG's SOF marker, or null when the buffer is not a complete
 * JPEG (no SOI, no SOF, or no EOI at the end). Used to validate snapshots from ffmpeg and
 * from cameras' ONVIF snapshot URIs alike.
 */
export function readJpegSize(buffer: Buffer): JpegSize | null {
  if (buffer.length < 4 || buffer[0] !== 0xff || buffer[1] !== 0xd8) return null;
  if (buffer[buffer.length - 2] !== 0xff || buffer[buffer.length - 1] !== 0xd9) return null;
  let offset = 2;
  while (offset + 4 <= buffer.length) {
    if (buffer[offset] !== 0xff) return null;
    const marker = buffer[offset + 1]!;
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    const length = buffer.readUInt16BE(offset + 2);
    if (isStartOfFrame(marker)) {
      if (offset + 9 > buffer.length) return null;
      return { height: buffer.readUInt16BE(offset + 5), width: buffer.readUInt16BE(offset + 7) };
    }
    if (marker === 0xda) return null; // scan data before any SOF: not a usable image
    offset += 2 + length;
  }
  return null;
}

/** SOF0-SOF15, except DHT (C4), JPG (C8) and DAC (CC) which share the range. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}
