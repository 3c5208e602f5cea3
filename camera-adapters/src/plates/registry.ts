import type { PlateParseInput, PlateParser } from "./parser-kit.js";
import { chineseParkingParser } from "./parsers/chinese-parking.js";
import { dahuaParser } from "./parsers/dahua.js";
import { frigateParser } from "./parsers/frigate.js";
import { genericParser } from "./parsers/generic.js";
import { hikvisionIsapiParser } from "./parsers/hikvision-isapi.js";
import { openalprParser } from "./parsers/openalpr.js";
import { platerecognizerParser } from "./parsers/platerecognizer.js";
import { PlateParseError } from "./plate-errors.js";
import { isPlateFormat, type PlateFormat, type PlateRead } from "./plate-read.js";

export const plateParsers: Readonly<Record<PlateFormat, PlateParser>> = Object.freeze({
  "hikvision-isapi": hikvisionIsapiParser,
  dahua: dahuaParser,
  openalpr: openalprParser,
  platerecognizer: platerecognizerParser,
  "chinese-parking": chineseParkingParser,
  generic: genericParser,
  frigate: frigateParser,
});

/** Parses one push in the named format; the format usually comes from the camera's configuration. */
export function parsePlatePayload(
  format: PlateFormat | string,
  input: PlateParseInput,
): Promise<PlateRead[]> {
  if (!isPlateFormat(format))
    return Promise.reject(new PlateParseError("unknown_format", String(format).slice(0, 40)));
  return plateParsers[format].parse(input);
}
