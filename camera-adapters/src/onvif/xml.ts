import { XMLParser, XMLValidator } from "fast-xml-parser";
import { OnvifError } from "./errors.js";

/**
 * A parsed XML element: child elements by local name (namespace prefixes removed, because
 * vendors use any prefix they like), attributes under "@_name", text under "#text".
 * A repeated child becomes an array, so readers go through the helpers below.
 */
export type XmlNode = { [key: string]: XmlValue };
export type XmlValue = string | XmlNode | XmlValue[];

const xmlPredefined: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

/**
 * Entity processing is off in the parser (no DTD, no custom entities), so the five predefined
 * entities and numeric character references are decoded here; anything else stays literal.
 */
export function decodeXmlText(value: string): string {
  if (!value.includes("&")) return value;
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);/g, (whole, ref: string) => {
    if (ref.startsWith("#x")) return safeCodePoint(Number.parseInt(ref.slice(2), 16), whole);
    if (ref.startsWith("#")) return safeCodePoint(Number.parseInt(ref.slice(1), 10), whole);
    return xmlPredefined[ref] ?? whole;
  });
}

function safeCodePoint(codePoint: number, fallback: string): string {
  return codePoint > 0 && codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : fallback;
}

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  tagValueProcessor: (_name, value) => decodeXmlText(value),
  attributeValueProcessor: (_name, value) => decodeXmlText(value),
});

/** DTDs are how XXE and entity-expansion bombs arrive; no ONVIF message needs one. */
const forbiddenMarkup = /<!DOCTYPE|<!ENTITY/i;

export function parseXml(xml: string): XmlNode {
  if (forbiddenMarkup.test(xml)) {
    throw new OnvifError("malformed_xml", "XML with a DOCTYPE or ENTITY declaration is refused");
  }
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    throw new OnvifError(
      "malformed_xml",
      `Response is not well-formed XML: ${validation.err.msg} (line ${validation.err.line})`,
    );
  }
  const parsed: unknown = parser.parse(xml);
  if (!isNode(parsed)) throw new OnvifError("malformed_xml", "Response has no XML root element");
  return parsed;
}

export function isNode(value: unknown): value is XmlNode {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** All children with this local name, whether the parser made one value or an array. */
export function children(node: XmlValue | undefined, name: string): XmlValue[] {
  if (node === undefined || !isNode(node)) return [];
  const value = node[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

export function child(node: XmlValue | undefined, name: string): XmlValue | undefined {
  return children(node, name)[0];
}

/** Follows a path of local names, taking the first match at each step. */
export function pathOf(node: XmlValue | undefined, ...names: string[]): XmlValue | undefined {
  let current = node;
  for (const name of names) current = child(current, name);
  return current;
}

/** Text content of an element (trimmed); undefined when absent. */
export function textOf(node: XmlValue | undefined): string | undefined {
  if (node === undefined) return undefined;
  if (typeof node === "string") return node.trim();
  if (Array.isArray(node)) return textOf(node[0]);
  const text = node["#text"];
  return typeof text === "string"
    ? text.trim()
    : isNode(node) && Object.keys(node).length === 0
      ? ""
      : undefined;
}

export function textAt(node: XmlValue | undefined, ...names: string[]): string | undefined {
  return textOf(pathOf(node, ...names));
}

export function attrOf(node: XmlValue | undefined, name: string): string | undefined {
  if (node === undefined || !isNode(node)) return undefined;
  const value = node[`@_${name}`];
  return typeof value === "string" ? value.trim() : undefined;
}

/** ONVIF booleans arrive as true/TRUE/True/1 (and the negatives) depending on firmware. */
export function parseXmlBoolean(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  const normalised = value.trim().toLowerCase();
  if (normalised === "true" || normalised === "1") return true;
  if (normalised === "false" || normalised === "0") return false;
  return undefined;
}

export function parseXmlNumber(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const parsed = Number(value.trim());
  return Number.isFinite(parsed) ? parsed : undefined;
}
