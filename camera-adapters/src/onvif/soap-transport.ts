import iconv from "iconv-lite";
import { OnvifError, type SoapFaultDetails } from "./errors.js";
import { buildDigestAuthorization, type DigestChallenge, parseDigestChallenges } from "./http-digest.js";
import {
  type FetchLike,
  fetchHttpPost,
  type HttpAnswer,
  type HttpPost,
  HttpPostError,
  nodeHttpPost,
} from "./http-post.js";
import { buildSecurityHeader } from "./ws-security.js";
import { child, children, isNode, parseXml, textAt, textOf, type XmlNode, type XmlValue } from "./xml.js";

export type { FetchLike } from "./http-post.js";

export type SoapVersion = "1.1" | "1.2";

const envelopeNamespaces: Record<SoapVersion, string> = {
  "1.2": "http://www.w3.org/2003/05/soap-envelope",
  "1.1": "http://schemas.xmlsoap.org/soap/envelope/",
};

/** Prefixes our request bodies use; declaring them once on the envelope keeps bodies short. */
const onvifNamespaces =
  'xmlns:tds="http://www.onvif.org/ver10/device/wsdl" xmlns:trt="http://www.onvif.org/ver10/media/wsdl" ' +
  'xmlns:tr2="http://www.onvif.org/ver20/media/wsdl" xmlns:tt="http://www.onvif.org/ver10/schema" ' +
  'xmlns:tev="http://www.onvif.org/ver10/events/wsdl" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" ' +
  'xmlns:wsa="http://www.w3.org/2005/08/addressing"';

export const defaultMaxResponseBytes = 2 * 1024 * 1024;

export interface SoapCredentials {
  username: string;
  password: string;
}

/** Mutable per-device state the transport reads and the device updates after GetSystemDateAndTime. */
export interface DeviceClockState {
  /** deviceClock − localClock in ms; 0 until measured. */
  offsetMs: number;
}

export interface SoapTransportOptions {
  credentials?: SoapCredentials;
  timeoutMs: number;
  fetchImpl?: FetchLike;
  maxResponseBytes?: number;
  soapVersion?: SoapVersion;
  clock: DeviceClockState;
  now?: () => number;
}

export interface SoapCall {
  url: string;
  operation: string;
  action: string;
  /** Inner XML of the SOAP Body. */
  body: string;
  /** Extra header fragments, e.g. WS-Addressing or subscription reference parameters. */
  headers?: string[];
  /** Namespace declarations for the Header element, so echoed fragments keep their prefixes. */
  headerNamespaces?: string;
  authenticate: boolean;
  /** Added to the device timeout, e.g. the long-poll time of PullMessages. */
  extraTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface SoapResult {
  envelope: XmlNode;
  body: XmlNode;
  /** The response text, for the rare fragment that must be echoed verbatim. */
  raw: string;
}

/** Whether an error came from the device refusing our WS-UsernameToken (clock skew can cause it). */
export function isWsSecurityAuthFailure(error: unknown): error is OnvifError {
  return error instanceof OnvifError && error.code === "auth_failed" && error.details.fault !== undefined;
}

const authFaultPattern = /NotAuthori[sz]ed|FailedAuthentication|InvalidSecurity|FailedCheck|Unauthori[sz]ed/i;

export function isAuthFault(fault: SoapFaultDetails): boolean {
  return [fault.code, ...fault.subcodes, fault.reason].some((text) => authFaultPattern.test(text));
}

/**
 * One device's SOAP channel: builds envelopes, adds WS-UsernameToken and HTTP Digest,
 * enforces the timeout and size cap, and turns every failure into an OnvifError.
 */
export class SoapTransport {
  private soapVersion: SoapVersion;
  private digest: { challenge: DigestChallenge; nc: number } | undefined;
  private readonly httpPost: HttpPost;
  private readonly now: () => number;

  constructor(private readonly options: SoapTransportOptions) {
    this.soapVersion = options.soapVersion ?? "1.2";
    this.httpPost = options.fetchImpl ? fetchHttpPost(options.fetchImpl) : nodeHttpPost;
    this.now = options.now ?? Date.now;
  }

  get timeoutMs(): number {
    return this.options.timeoutMs;
  }

  async call(request: SoapCall): Promise<SoapResult> {
    try {
      return await this.callWithVersion(request);
    } catch (error) {
      if (!isSoapVersionMismatch(error)) throw error;
      // Older firmware speaks only SOAP 1.1; switch once and remember it for this device.
      this.soapVersion = this.soapVersion === "1.2" ? "1.1" : "1.2";
      return this.callWithVersion(request);
    }
  }

  private async callWithVersion(request: SoapCall): Promise<SoapResult> {
    const envelope = this.buildEnvelope(request);
    let response = await this.post(request, envelope, this.digestAuthorization(request));
    if (response.status === 401 && request.authenticate && this.options.credentials) {
      const challenge = parseDigestChallenges(response.header("www-authenticate"))[0];
      if (!challenge) throw authFailed(request, 401, "Device answered 401 without a usable Digest challenge");
      // One Digest attempt per fresh challenge; a second 401 means the credentials are wrong.
      this.digest = { challenge, nc: 0 };
      response = await this.post(request, envelope, this.digestAuthorization(request));
      if (response.status === 401) {
        this.digest = undefined;
        throw authFailed(request, 401, "Device rejected HTTP Digest credentials");
      }
    } else if (response.status === 401) {
      throw authFailed(request, 401, "Device requires authentication");
    }
    return this.interpret(request, response);
  }

  private buildEnvelope(request: SoapCall): string {
    const headers = [...(request.headers ?? [])];
    const credentials = this.options.credentials;
    if (request.authenticate && credentials) {
      headers.unshift(
        buildSecurityHeader({ ...credentials, deviceNowMs: this.now() + this.options.clock.offsetMs }),
      );
    }
    const namespaces = request.headerNamespaces ? ` ${request.headerNamespaces}` : "";
    const header = headers.length > 0 ? `<s:Header${namespaces}>${headers.join("")}</s:Header>` : "";
    return (
      `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${envelopeNamespaces[this.soapVersion]}" ${onvifNamespaces}>` +
      `${header}<s:Body>${request.body}</s:Body></s:Envelope>`
    );
  }

  private digestAuthorization(request: SoapCall): string | undefined {
    const credentials = this.options.credentials;
    if (!this.digest || !request.authenticate || !credentials) return undefined;
    this.digest.nc += 1;
    const url = new URL(request.url);
    return buildDigestAuthorization(this.digest.challenge, credentials, {
      method: "POST",
      uri: `${url.pathname}${url.search}`,
      nc: this.digest.nc,
    });
  }

  private async post(request: SoapCall, envelope: string, authorization?: string): Promise<HttpAnswer> {
    const headers: Record<string, string> =
      this.soapVersion === "1.2"
        ? { "content-type": `application/soap+xml; charset=utf-8; action="${request.action}"` }
        : { "content-type": "text/xml; charset=utf-8", soapaction: `"${request.action}"` };
    if (authorization) headers.authorization = authorization;
    try {
      return await this.httpPost(request.url, {
        headers,
        body: envelope,
        maxBytes: this.options.maxResponseBytes ?? defaultMaxResponseBytes,
        timeoutMs: this.options.timeoutMs + (request.extraTimeoutMs ?? 0),
        signal: request.signal,
      });
    } catch (error) {
      throw classifyTransportError(error, request);
    }
  }

  private interpret(request: SoapCall, response: HttpAnswer): SoapResult {
    const text = decodeBody(response.body, response.header("content-type"));
    const details = { httpStatus: response.status, url: request.url, operation: request.operation };
    if (text.trim() === "") {
      throw new OnvifError("unexpected_response", `${request.operation}: empty response body`, details);
    }
    const root = parseXml(text);
    const envelope = child(root, "Envelope");
    const body = child(envelope, "Body");
    if (!isNode(envelope) || !isNode(body)) {
      throw new OnvifError(
        "unexpected_response",
        `${request.operation}: response is not a SOAP envelope`,
        details,
      );
    }
    const faultNode = child(body, "Fault");
    if (faultNode !== undefined) {
      const fault = parseFault(faultNode);
      const code = isAuthFault(fault) ? "auth_failed" : "soap_fault";
      throw new OnvifError(code, `${request.operation}: SOAP fault ${describeFault(fault)}`, {
        ...details,
        fault,
      });
    }
    if (response.status < 200 || response.status >= 300) {
      throw new OnvifError("unexpected_response", `${request.operation}: HTTP ${response.status}`, details);
    }
    return { envelope, body, raw: text };
  }
}

function decodeBody(bytes: Buffer, contentType: string | null): string {
  const charset = /charset="?([\w-]+)"?/i.exec(contentType ?? "")?.[1]?.toLowerCase();
  if (charset && charset !== "utf-8" && charset !== "utf8" && iconv.encodingExists(charset)) {
    return iconv.decode(bytes, charset);
  }
  return bytes.toString("utf8");
}

function parseFault(fault: XmlValue): SoapFaultDetails {
  const code12 = child(fault, "Code");
  if (code12 !== undefined) {
    const subcodes: string[] = [];
    let subcode = child(code12, "Subcode");
    while (subcode !== undefined && subcodes.length < 8) {
      const value = textAt(subcode, "Value");
      if (value) subcodes.push(value);
      subcode = child(subcode, "Subcode");
    }
    const reasons = children(child(fault, "Reason"), "Text").map((t) => textOf(t) ?? "");
    return { code: textAt(code12, "Value") ?? "", subcodes, reason: reasons.filter(Boolean).join("; ") };
  }
  const detail = child(fault, "detail") ?? child(fault, "Detail");
  const detailNames = isNode(detail)
    ? Object.keys(detail).filter((k) => !k.startsWith("@_") && k !== "#text")
    : [];
  return {
    code: textAt(fault, "faultcode") ?? "",
    subcodes: detailNames,
    reason: textAt(fault, "faultstring") ?? "",
  };
}

function describeFault(fault: SoapFaultDetails): string {
  return (
    [fault.code, ...fault.subcodes].filter(Boolean).join(" / ") + (fault.reason ? ` (${fault.reason})` : "")
  );
}

function isSoapVersionMismatch(error: unknown): boolean {
  if (!(error instanceof OnvifError)) return false;
  if (error.details.httpStatus === 415) return true;
  const fault = error.details.fault;
  return fault !== undefined && /VersionMismatch/i.test(fault.code);
}

function authFailed(request: SoapCall, httpStatus: number, message: string): OnvifError {
  return new OnvifError("auth_failed", `${request.operation}: ${message}`, {
    httpStatus,
    url: request.url,
    operation: request.operation,
  });
}

const tlsErrorCodes =
  /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_|EPROTO$|ERR_SSL)/;

function errorCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string") return code;
    current = current.cause;
  }
  return undefined;
}

function classifyTransportError(error: unknown, request: SoapCall): OnvifError {
  if (error instanceof OnvifError) return error;
  const details = { url: request.url, operation: request.operation };
  if (error instanceof HttpPostError) {
    if (error.kind === "aborted")
      return new OnvifError("aborted", `${request.operation}: cancelled`, details, { cause: error });
    if (error.kind === "timeout")
      return new OnvifError("timeout", `${request.operation}: no answer in time`, details, { cause: error });
    return new OnvifError(
      "too_large",
      error.declaredBytes !== null
        ? `${request.operation}: response of ${error.declaredBytes} bytes exceeds the cap`
        : `${request.operation}: response exceeds the size cap`,
      details,
    );
  }
  const code = errorCodeOf(error);
  if (
    code === "UND_ERR_CONNECT_TIMEOUT" ||
    code === "UND_ERR_HEADERS_TIMEOUT" ||
    code === "UND_ERR_BODY_TIMEOUT"
  ) {
    return new OnvifError("timeout", `${request.operation}: no answer in time (${code})`, details, {
      cause: error,
    });
  }
  if (code && tlsErrorCodes.test(code)) {
    return new OnvifError("tls_error", `${request.operation}: TLS failure (${code})`, details, {
      cause: error,
    });
  }
  return new OnvifError(
    "unreachable",
    `${request.operation}: cannot reach device (${code ?? "network error"})`,
    details,
    {
      cause: error,
    },
  );
}
