export { decodeBodyText } from "./body-text.js";
export {
  type FrigateDeadLetter,
  type FrigateSubscriber,
  type FrigateSubscriberOptions,
  startFrigateSubscriber,
} from "./frigate-subscriber.js";
export {
  defaultPlateParseLimits,
  type PlateParseInput,
  type PlateParseLimits,
  type PlateParser,
} from "./parser-kit.js";
export { chineseParkingParser } from "./parsers/chinese-parking.js";
export { dahuaParser } from "./parsers/dahua.js";
export {
  type FrigateEvent,
  frigateEventSchema,
  frigateEventToRead,
  frigateParser,
} from "./parsers/frigate.js";
export {
  type GenericPlatePayload,
  type GenericPlateRead,
  genericParser,
  genericPlateImageSchema,
  genericPlatePayloadSchema,
  genericPlateReadSchema,
} from "./parsers/generic.js";
export { hikvisionIsapiParser } from "./parsers/hikvision-isapi.js";
export { openalprParser } from "./parsers/openalpr.js";
export { platerecognizerParser } from "./parsers/platerecognizer.js";
export {
  isPlateParseError,
  PlateParseError,
  type PlateParseErrorCode,
  plateParseErrorCodes,
  plateParseErrorMessages,
} from "./plate-errors.js";
export {
  confusableClasses,
  fuzzyKey,
  HotlistMatcher,
  type HotlistMatcherEntry,
  type MatchLevel,
  matchablePlate,
  matchLevels,
  platesMatch,
} from "./plate-fuzzy.js";
export {
  analysePlate,
  canonicalPlateText,
  classifyPlate,
  isNoPlateText,
  type PlateAnalysis,
  plateColourFromText,
  provinceAbbreviations,
  splitColourPrefix,
  toHalfWidth,
} from "./plate-grammar.js";
export {
  type ImageRole,
  imageRoleSchema,
  type NormalisedPlateRead,
  normalisedPlateReadSchema,
  type PlateColour,
  type PlateFormat,
  type PlateImage,
  type PlateKind,
  type PlateRead,
  type PlateReadDetails,
  plateColourSchema,
  plateFormatSchema,
  isPlateFormat,
  plateFormats,
  plateImageSchema,
  plateKindSchema,
} from "./plate-read.js";
export {
  DEFAULT_DEVICE_TIME_ZONE,
  type DeviceTime,
  epochToMs,
  MAX_FUTURE_MS,
  MAX_PAST_MS,
  type ResolvedTime,
  resolveCapturedAt,
  type TimeContext,
} from "./plate-time.js";
export { parsePlatePayload, plateParsers } from "./registry.js";
