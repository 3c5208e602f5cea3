import iconv from "iconv-lite";
import { PlateParseError } from "./plate-errors.js";

/** The Chinese national charsets all decode as GB18030, their superset. */
const GB_FAMILY = new Set(["gbk", "gb2312", "gb18030", "cp936", "x-gbk", "euc-cn", "hz-gb-2312"]);
const UTF8 = new Set(["utf-8", "utf8"]);
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** XML may name its charset only in its declaration. */
function xmlDeclaredCharset(body: Buffer): string | undefined {
  const head = body.subarray(0, 200).toString("latin1");
  return /^\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']/.exec(head)?.[1]?.toLowerCase();
}

function decodeUtf8OrGb(body: Buffer): { text: string; charset: string } {
  try {
    return { text: strictUtf8.decode(body), charset: "utf-8" };
  } catch {
    // Cameras that post GBK without saying so are common; bytes that are not UTF-8 are read as GB18030.
    return { text: iconv.decode(body, "gb18030"), charset: "gb18030" };
  }
}

/**
 * Text of a body, honouring the declared charset, and falling back to GB18030 when the
 * bytes are not valid UTF-8 whatever the header claimed.
 */
export function decodeBodyText(body: Buffer, declared?: string): { text: string; charset: string } {
  const charset = (declared ?? xmlDeclaredCharset(body))?.trim().toLowerCase();
  if (!charset || UTF8.has(charset) || charset === "us-ascii" || charset === "ascii") {
    const r = decodeUtf8OrGb(body);
    return { text: stripBom(r.text), charset: r.charset };
  }
  if (GB_FAMILY.has(charset)) return { text: stripBom(iconv.decode(body, "gb18030")), charset: "gb18030" };
  if (!iconv.encodingExists(charset)) throw new PlateParseError("unsupported_charset", charset);
  return { text: stripBom(iconv.decode(body, charset)), charset };
}
