/** Machine-readable failure classes of an ONVIF exchange; the server maps them to camera health. */
export const onvifErrorCodes = [
  "timeout",
  "unreachable",
  "tls_error",
  "auth_failed",
  "soap_fault",
  "malformed_xml",
  "too_large",
  "unexpected_response",
  "aborted",
  "invalid_address",
] as const;

export type OnvifErrorCode = (typeof onvifErrorCodes)[number];

export interface SoapFaultDetails {
  /** Top-level code, e.g. "env:Sender" (SOAP 1.2) or "SOAP-ENV:Client" (SOAP 1.1). */
  code: string;
  /** Nested subcodes from outermost to innermost, e.g. ["ter:NotAuthorized"]. */
  subcodes: string[];
  reason: string;
}

export interface OnvifErrorDetails {
  httpStatus?: number;
  fault?: SoapFaultDetails;
  /** Device service or endpoint URL the failing request went to. */
  url?: string;
  /** Operation name, e.g. "GetProfiles". */
  operation?: string;
}

export class OnvifError extends Error {
  override readonly name = "OnvifError";
  readonly code: OnvifErrorCode;
  readonly details: OnvifErrorDetails;

  constructor(
    code: OnvifErrorCode,
    message: string,
    details: OnvifErrorDetails = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}

export function isOnvifError(value: unknown, code?: OnvifErrorCode): value is OnvifError {
  return value instanceof OnvifError && (code === undefined || value.code === code);
}

/** Texts for the technician UI; the server picks the locale. */
export const onvifErrorMessages: Record<OnvifErrorCode, { en: string; "zh-CN": string }> = {
  timeout: { en: "The camera did not answer in time.", "zh-CN": "摄像机响应超时。" },
  unreachable: { en: "The camera cannot be reached on the network.", "zh-CN": "网络无法连接到摄像机。" },
  tls_error: { en: "The camera's TLS connection failed.", "zh-CN": "摄像机 TLS 连接失败。" },
  auth_failed: {
    en: "The camera rejected the user name or password.",
    "zh-CN": "摄像机拒绝了用户名或密码。",
  },
  soap_fault: { en: "The camera reported an error.", "zh-CN": "摄像机返回了错误。" },
  malformed_xml: {
    en: "The camera sent a response that is not valid XML.",
    "zh-CN": "摄像机返回的内容不是有效的 XML。",
  },
  too_large: { en: "The camera's response was too large.", "zh-CN": "摄像机返回的数据过大。" },
  unexpected_response: {
    en: "The camera's response was not what ONVIF specifies.",
    "zh-CN": "摄像机的响应不符合 ONVIF 规范。",
  },
  aborted: { en: "The request was cancelled.", "zh-CN": "请求已取消。" },
  invalid_address: { en: "The camera address is not a valid URL.", "zh-CN": "摄像机地址不是有效的 URL。" },
};
