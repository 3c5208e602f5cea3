import { decodeBodyText } from "../body-text.js";
import { type MultipartBody, parseMultipart } from "../multipart.js";
import {
  checkEnvelope,
  confidenceOrNull,
  intOrNull,
  type PlateParseInput,
  type PlateParser,
  resolveLimits,
  textOrNull,
} from "../parser-kit.js";
import { PlateParseError } from "../plate-errors.js";
import { plateColourFromText } from "../plate-grammar.js";
import type { ImageRole, PlateImage, PlateRead } from "../plate-read.js";
import type { DeviceTime } from "../plate-time.js";
import { buildPlateRead, PictureBudget } from "../read-builder.js";
import { parseXmlSafely, type XmlObject, xmlChild, xmlList, xmlText } from "../safe-xml.js";

/**
 * Hikvision ISAPI "EventNotificationAlert" with eventType ANPR, pushed by ANPR cameras and
 * ITC units to an HTTP listening host: bare XML, or multipart/form-data with the XML part
 * (usually named anpr.xml) and picture parts named by pictureInfoList/fileName.
 */
const CONTENT_TYPES = ["application/xml", "text/xml", "multipart/form-data"] as const;

function looksLikeXml(text: string): boolean {
  return text.trimStart().startsWith("<");
}

function isXmlPart(name: string, mime: string): boolean {
  return mime.includes("xml") || name.toLowerCase().endsWith(".xml");
}

interface HikvisionPush {
  xml: string;
  pictures: { name: string; mime: string; data: Buffer }[];
}

function splitMultipart(parts: MultipartBody): HikvisionPush {
  const field = parts.fields.find((f) => isXmlPart(f.name, f.mime) || looksLikeXml(f.value));
  const xmlFile = field
    ? undefined
    : parts.files.find(
        (f) =>
          isXmlPart(f.filename || f.fieldName, f.mime) ||
          looksLikeXml(f.data.subarray(0, 64).toString("latin1")),
      );
  const xml = field?.value ?? (xmlFile ? decodeBodyText(xmlFile.data).text : undefined);
  if (xml === undefined) throw new PlateParseError("missing_part", "no EventNotificationAlert XML part");
  const pictures = parts.files
    .filter((f) => f !== xmlFile)
    .map((f) => ({ name: f.filename || f.fieldName, mime: f.mime, data: f.data }));
  return { xml, pictures };
}

function roleOf(nameOrType: string): ImageRole {
  const n = nameOrType.toLowerCase();
  if (n.includes("plate")) return "plate";
  if (/(detection|vehicle|scene|background|bkg|panorama|composite)/.test(n)) return "scene";
  return "other";
}

function pictureTypesByFile(anpr: XmlObject): Map<string, string> {
  const types = new Map<string, string>();
  for (const info of xmlList(xmlChild(anpr, "pictureInfoList"), "pictureInfo")) {
    const file = xmlText(info, "fileName");
    const type = xmlText(info, "type");
    if (file && type) types.set(file.toLowerCase(), type);
  }
  return types;
}

function pictureUrls(anpr: XmlObject, budget: PictureBudget): PlateImage[] {
  const images: PlateImage[] = [];
  for (const info of xmlList(xmlChild(anpr, "pictureInfoList"), "pictureInfo")) {
    const url = xmlText(info, "pictureURL") ?? xmlText(info, "picUrl");
    if (!url || !URL.canParse(url)) continue;
    budget.take(0, url);
    images.push({ role: roleOf(xmlText(info, "type") ?? url), url });
  }
  return images;
}

function captureTime(alert: XmlObject, anpr: XmlObject): DeviceTime | null {
  const dateTime = xmlText(alert, "dateTime");
  if (dateTime) return { kind: "iso", value: dateTime };
  const absTime = xmlList(xmlChild(anpr, "pictureInfoList"), "pictureInfo")
    .map((p) => xmlText(p, "absTime"))
    .find((t) => t !== undefined);
  return absTime ? { kind: "local", value: absTime } : null;
}

function readFromAlert(alert: XmlObject, push: HikvisionPush, input: PlateParseInput): PlateRead {
  const anpr = xmlChild(alert, "ANPR");
  if (!anpr) throw new PlateParseError("invalid_payload", "ANPR element missing", { field: "ANPR" });
  const budget = new PictureBudget(resolveLimits(input));
  const types = pictureTypesByFile(anpr);
  const images: PlateImage[] = push.pictures.map((p) => {
    budget.take(p.data.length, p.name);
    const role = roleOf(types.get(p.name.toLowerCase()) ?? p.name);
    return { role, mime: p.mime.startsWith("image/") ? p.mime : "image/jpeg", data: p.data };
  });
  images.push(...pictureUrls(anpr, budget));
  const vehicleInfo = xmlChild(anpr, "vehicleInfo");
  const vehicleColour = xmlText(vehicleInfo, "color");
  return buildPlateRead(
    {
      plateRaw: xmlText(anpr, "licensePlate") ?? "",
      deviceColour: plateColourFromText(xmlText(anpr, "plateColor")),
      confidence: confidenceOrNull(xmlText(anpr, "confidenceLevel")),
      time: captureTime(alert, anpr),
      deviceId:
        textOrNull(xmlText(alert, "macAddress")) ??
        textOrNull(xmlText(alert, "deviceID")) ??
        textOrNull(xmlText(alert, "ipAddress")),
      channel: textOrNull(xmlText(alert, "channelID") ?? xmlText(alert, "dynChannelID")),
      lane: intOrNull(xmlText(anpr, "line")),
      direction: textOrNull(xmlText(anpr, "direction")),
      vehicleType: textOrNull(xmlText(anpr, "vehicleType")),
      vehicleColour: vehicleColour && vehicleColour !== "unknown" ? vehicleColour : null,
      images,
      vendorEventId: textOrNull(xmlText(alert, "UUID"), 256),
      details: {
        ipAddress: xmlText(alert, "ipAddress"),
        deviceID: xmlText(alert, "deviceID"),
        deviceUUID: xmlText(alert, "deviceUUID"),
        channelName: xmlText(alert, "channelName"),
        country: xmlText(anpr, "country"),
        plateType: xmlText(anpr, "plateType"),
        listType: xmlText(anpr, "vehicleListName") ?? xmlText(anpr, "listType"),
        originalLicensePlate: xmlText(anpr, "originalLicensePlate"),
        deviceDateTime: xmlText(alert, "dateTime"),
      },
    },
    "hikvision-isapi",
    input,
  );
}

export const hikvisionIsapiParser: PlateParser = {
  format: "hikvision-isapi",
  contentTypes: CONTENT_TYPES,
  async parse(input) {
    const ct = checkEnvelope(input, CONTENT_TYPES);
    const push: HikvisionPush = ct.mediaType.startsWith("multipart/")
      ? splitMultipart(await parseMultipart(input.body, input.contentType, resolveLimits(input)))
      : { xml: decodeBodyText(input.body, ct.params.charset).text, pictures: [] };
    const doc = parseXmlSafely(push.xml, ["pictureInfo"]);
    const alert = xmlChild(doc, "EventNotificationAlert");
    if (!alert) throw new PlateParseError("invalid_payload", "not an EventNotificationAlert");
    const eventType = xmlText(alert, "eventType") ?? "";
    // Heartbeats and other alarms posted to the same listening host carry no plate.
    if (eventType.toUpperCase() !== "ANPR") return [];
    return [readFromAlert(alert, push, input)];
  },
};
