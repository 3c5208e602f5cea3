import { XMLParser, XMLValidator } from "fast-xml-parser";
import { PlateParseError } from "./plate-errors.js";

/**
 * Vendor XML never needs a DTD, so any DOCTYPE or ENTITY declaration is refused before
 * parsing: that rules out XXE (external entities) and entity-expansion bombs outright,
 * whatever the parser would have done with them. Entities stay unprocessed as a second wall.
 */
const FORBIDDEN_DECLARATION = /<!\s*(DOCTYPE|ENTITY)/i;

export type XmlNode = string | XmlObject | XmlNode[];
export interface XmlObject {
  [name: string]: XmlNode;
}

export function parseXmlSafely(text: string, arrayTags: readonly string[] = []): XmlObject {
  if (FORBIDDEN_DECLARATION.test(text)) throw new PlateParseError("xml_doctype_forbidden");
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { msg, line } = validation.err;
    throw new PlateParseError("malformed_xml", `${msg} at line ${line}`);
  }
  const arrays = new Set(arrayTags);
  const parser = new XMLParser({
    ignoreAttributes: true,
    removeNSPrefix: true,
    processEntities: false,
    htmlEntities: false,
    parseTagValue: false,
    trimValues: true,
    isArray: (name) => arrays.has(name),
  });
  try {
    const parsed: unknown = parser.parse(text);
    if (typeof parsed !== "object" || parsed === null) throw new PlateParseError("malformed_xml", "no root");
    return parsed as XmlObject;
  } catch (cause) {
    if (cause instanceof PlateParseError) throw cause;
    throw new PlateParseError("malformed_xml", cause instanceof Error ? cause.message : undefined, { cause });
  }
}

/** The child object named `name`, if it is an object. */
export function xmlChild(node: XmlNode | undefined, name: string): XmlObject | undefined {
  if (node === undefined || typeof node === "string" || Array.isArray(node)) return undefined;
  const child = node[name];
  return child !== undefined && typeof child === "object" && !Array.isArray(child) ? child : undefined;
}

/** Text of the child element `name`; empty elements and objects give undefined. */
export function xmlText(node: XmlNode | undefined, name: string): string | undefined {
  if (node === undefined || typeof node === "string" || Array.isArray(node)) return undefined;
  const child = node[name];
  if (typeof child === "string") return child === "" ? undefined : child;
  if (Array.isArray(child) && typeof child[0] === "string") return child[0] || undefined;
  return undefined;
}

export function xmlList(node: XmlNode | undefined, name: string): XmlObject[] {
  if (node === undefined || typeof node === "string" || Array.isArray(node)) return [];
  const child = node[name];
  const items = Array.isArray(child) ? child : child === undefined ? [] : [child];
  return items.filter((i): i is XmlObject => typeof i === "object" && i !== null && !Array.isArray(i));
}
