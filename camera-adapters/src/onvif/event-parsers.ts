import { firstXAddr, responseElement, validated } from "./device-parsers.js";
import { OnvifError } from "./errors.js";
import {
  type CameraEvent,
  type CameraEventKind,
  CameraEventSchema,
  type PullMessagesResult,
  type PullPointSubscription,
  PullPointSubscriptionSchema,
} from "./schemas.js";
import {
  attrOf,
  child,
  children,
  parseXmlBoolean,
  pathOf,
  textAt,
  textOf,
  type XmlNode,
  type XmlValue,
} from "./xml.js";

/** xs:dateTime from devices often lacks a zone designator; ONVIF means UTC then. */
export function parseDeviceTime(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(text) ? text : `${text}Z`;
  const ms = Date.parse(withZone);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Strips namespace prefixes from each topic segment: "tns1:VideoSource/tnshik:MotionAlarm" → "VideoSource/MotionAlarm". */
export function normaliseTopic(topic: string): string {
  return topic
    .trim()
    .split("/")
    .map((segment) => segment.replace(/^[^:]*:/, ""))
    .join("/");
}

const topicKinds: Array<[RegExp, CameraEventKind]> = [
  [/(^|\/)VideoSource\/GlobalSceneChange(\/|$)/i, "tamper"],
  // Hikvision and others raise the same condition through the rule engine.
  [/(^|\/)RuleEngine\/TamperDetector\/Tamper$/i, "tamper"],
  [/(^|\/)VideoSource\/SignalLoss(\/|$)/i, "video_loss"],
  [/(^|\/)Device\/HardwareFailure\/StorageFailure(\/|$)/i, "storage_failure"],
];

export function eventKindForTopic(topic: string): CameraEventKind {
  const normalised = normaliseTopic(topic);
  return topicKinds.find(([pattern]) => pattern.test(normalised))?.[1] ?? "raw";
}

/** Data item names that carry the on/off state across the topics we map. */
const stateItemNames = ["State", "IsTamper", "Failed", "IsSignalLost", "Value"];

function simpleItems(node: XmlValue | undefined): Record<string, string> {
  const items: Record<string, string> = {};
  for (const item of children(node, "SimpleItem")) {
    const name = attrOf(item, "Name");
    if (name) items[name] = attrOf(item, "Value") ?? "";
  }
  return items;
}

export function parseNotificationMessage(message: XmlValue): CameraEvent {
  const topic = textOf(child(message, "Topic")) ?? "";
  const inner = pathOf(message, "Message", "Message") ?? child(message, "Message");
  const data = simpleItems(child(inner, "Data"));
  const operation = attrOf(inner, "PropertyOperation");
  const stateName = stateItemNames.find((name) => data[name] !== undefined);
  return validated(
    CameraEventSchema,
    {
      kind: eventKindForTopic(topic),
      topic,
      utcTime: attrOf(inner, "UtcTime") ?? null,
      propertyOperation:
        operation === "Initialized" || operation === "Changed" || operation === "Deleted" ? operation : null,
      source: simpleItems(child(inner, "Source")),
      data,
      active: stateName !== undefined ? (parseXmlBoolean(data[stateName]) ?? null) : null,
    },
    "NotificationMessage",
  );
}

/** Device times are converted with the device's own CurrentTime, so clock skew cancels out. */
function toLocalExpiry(
  currentTime: string | undefined,
  terminationTime: string | undefined,
  localNowMs: number,
) {
  const current = parseDeviceTime(currentTime);
  const termination = parseDeviceTime(terminationTime);
  if (termination === undefined) return undefined;
  const grantedMs = current !== undefined ? termination - current : termination - localNowMs;
  return { grantedMs, expiresAtMs: localNowMs + grantedMs };
}

const ownHeaderPrefixes = new Set(["s", "tds", "trt", "tr2", "tt", "tev", "wsnt", "wsa", "wsse", "wsu"]);

/** ReferenceParameters must be echoed verbatim; their prefixes are declared on the response envelope. */
export function extractReferenceParameters(raw: string): { xml: string; namespaces: string } | null {
  const match = /<((?:[\w.-]+:)?)ReferenceParameters\b[^>]*>([\s\S]*?)<\/\1ReferenceParameters>/.exec(raw);
  const inner = match?.[2]?.trim();
  if (!inner) return null;
  const declarations = new Map<string, string>();
  for (const decl of raw.matchAll(/xmlns:([\w.-]+)="([^"]*)"/g)) {
    const [, prefix, uri] = decl;
    if (prefix && uri !== undefined && !ownHeaderPrefixes.has(prefix) && !declarations.has(prefix)) {
      declarations.set(prefix, uri);
    }
  }
  const namespaces = [...declarations].map(([prefix, uri]) => `xmlns:${prefix}="${uri}"`).join(" ");
  return { xml: inner, namespaces };
}

export function parseCreatePullPointSubscription(
  body: XmlNode,
  raw: string,
  localNowMs: number,
): PullPointSubscription {
  const response = responseElement(body, "CreatePullPointSubscriptionResponse");
  const address = firstXAddr(textAt(response, "SubscriptionReference", "Address"));
  const expiry = toLocalExpiry(
    textAt(response, "CurrentTime"),
    textAt(response, "TerminationTime"),
    localNowMs,
  );
  if (!address || !expiry || expiry.grantedMs <= 0) {
    throw new OnvifError(
      "unexpected_response",
      "CreatePullPointSubscription: missing subscription address or termination time",
    );
  }
  const reference = extractReferenceParameters(raw);
  return validated(
    PullPointSubscriptionSchema,
    {
      address,
      referenceParametersXml: reference?.xml ?? null,
      referenceNamespaces: reference?.namespaces ?? "",
      grantedSec: expiry.grantedMs / 1000,
      expiresAtMs: expiry.expiresAtMs,
    },
    "CreatePullPointSubscription",
  );
}

export function parseRenew(body: XmlNode, localNowMs: number): { grantedSec: number; expiresAtMs: number } {
  const response = responseElement(body, "RenewResponse");
  const expiry = toLocalExpiry(
    textAt(response, "CurrentTime"),
    textAt(response, "TerminationTime"),
    localNowMs,
  );
  if (!expiry || expiry.grantedMs <= 0)
    throw new OnvifError("unexpected_response", "Renew: no usable TerminationTime");
  return { grantedSec: expiry.grantedMs / 1000, expiresAtMs: expiry.expiresAtMs };
}

export function parsePullMessages(body: XmlNode, localNowMs: number): PullMessagesResult {
  const response = responseElement(body, "PullMessagesResponse");
  const expiry = toLocalExpiry(
    textAt(response, "CurrentTime"),
    textAt(response, "TerminationTime"),
    localNowMs,
  );
  return {
    events: children(response, "NotificationMessage").map(parseNotificationMessage),
    expiresAtMs: expiry?.expiresAtMs ?? null,
  };
}
