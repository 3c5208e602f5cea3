/**
 * Machine-readable reasons a plate payload is refused. The server maps each to an HTTP
 * status and, for the ones a person should look at, an `ingest_dead_letters` row.
 */
export const plateParseErrorMessages = {
  empty_body: { en: "The request body is empty.", "zh-CN": "请求体为空。" },
  body_too_large: { en: "The request body is larger than allowed.", "zh-CN": "请求体超过允许的大小。" },
  unsupported_content_type: {
    en: "This content type is not accepted for this format.",
    "zh-CN": "该格式不接受此内容类型。",
  },
  unsupported_charset: { en: "The character set is not supported.", "zh-CN": "不支持该字符集。" },
  malformed_json: { en: "The body is not valid JSON.", "zh-CN": "请求体不是有效的 JSON。" },
  malformed_xml: { en: "The body is not well-formed XML.", "zh-CN": "请求体不是格式正确的 XML。" },
  xml_doctype_forbidden: {
    en: "XML with a DOCTYPE or entity declaration is refused.",
    "zh-CN": "拒绝包含 DOCTYPE 或实体声明的 XML。",
  },
  malformed_multipart: { en: "The multipart body cannot be read.", "zh-CN": "无法读取 multipart 请求体。" },
  missing_part: { en: "A required multipart part is missing.", "zh-CN": "缺少必需的 multipart 部分。" },
  picture_too_large: { en: "A picture is larger than allowed.", "zh-CN": "图片超过允许的大小。" },
  too_many_pictures: { en: "The payload carries too many pictures.", "zh-CN": "图片数量过多。" },
  invalid_picture: { en: "A picture cannot be decoded.", "zh-CN": "无法解码图片。" },
  too_many_reads: { en: "The payload carries too many plate reads.", "zh-CN": "一次推送的过车记录过多。" },
  invalid_payload: {
    en: "The payload does not have the expected structure.",
    "zh-CN": "推送内容的结构不符合要求。",
  },
  plate_empty: {
    en: "The plate text is empty or says no plate was recognised.",
    "zh-CN": "车牌号为空或设备报告未识别到车牌。",
  },
  plate_too_long: { en: "The plate text is too long to be a plate.", "zh-CN": "车牌号过长。" },
  invalid_timestamp: { en: "The capture time cannot be read.", "zh-CN": "无法读取抓拍时间。" },
  timestamp_out_of_range: {
    en: "The capture time is more than 24 hours in the future or older than 7 days.",
    "zh-CN": "抓拍时间晚于当前 24 小时以上或早于 7 天以上。",
  },
  invalid_device_time_zone: { en: "The device time zone is not valid.", "zh-CN": "设备时区无效。" },
  missing_device_id: { en: "The payload does not identify the device.", "zh-CN": "推送内容未标识设备。" },
  unknown_format: { en: "There is no parser for this format.", "zh-CN": "没有该格式的解析器。" },
} as const satisfies Record<string, { en: string; "zh-CN": string }>;

export type PlateParseErrorCode = keyof typeof plateParseErrorMessages;
export const plateParseErrorCodes = Object.keys(plateParseErrorMessages) as PlateParseErrorCode[];

export class PlateParseError extends Error {
  override readonly name = "PlateParseError";
  readonly code: PlateParseErrorCode;
  /** Which input field was at fault, when one was (dotted path). */
  readonly field: string | undefined;
  /** The same message in Simplified Chinese for the dead-letter UI. */
  readonly messageZh: string;

  constructor(code: PlateParseErrorCode, detail?: string, options?: { field?: string; cause?: unknown }) {
    const texts = plateParseErrorMessages[code];
    const suffix = detail ? ` (${detail})` : "";
    super(texts.en + suffix, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.field = options?.field;
    this.messageZh = texts["zh-CN"] + suffix;
  }

  toJSON(): { code: PlateParseErrorCode; message: string; messageZh: string; field?: string } {
    return {
      code: this.code,
      message: this.message,
      messageZh: this.messageZh,
      ...(this.field === undefined ? {} : { field: this.field }),
    };
  }
}

export function isPlateParseError(value: unknown): value is PlateParseError {
  return value instanceof PlateParseError;
}
