import { z } from "zod";
import { decodeBodyText } from "../body-text.js";
import {
  checkEnvelope,
  confidenceOrNull,
  ensureReadCount,
  intOrNull,
  JSON_CONTENT_TYPES,
  numberOrNull,
  type PlateParseInput,
  type PlateParser,
  parseJsonText,
  parseWithSchema,
  resolveLimits,
  textOrNull,
} from "../parser-kit.js";
import { PlateParseError } from "../plate-errors.js";
import { plateColourFromText } from "../plate-grammar.js";
import type { PlateImage, PlateRead } from "../plate-read.js";
import type { DeviceTime } from "../plate-time.js";
import { buildPlateRead, collectReads, PictureBudget } from "../read-builder.js";

/**
 * Dahua ANPR / ITC cameras, two push styles:
 * - ITSAPI "TollgateInfo" (platform push, `POST /NotificationInfo/TollgateInfo`):
 *   `{Picture:{Plate, Vehicle, SnapInfo, NormalPic, CutoutPic, VehiclePic}}`.
 * - The RPC event stream (`client.notifyEventStream`) with TrafficJunction-style events,
 *   whose `UTC` is the device wall clock counted as if it were UTC; `RealUTC` is the truth.
 */
const looseObject = z.looseObject({});
const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]).optional();
const picSchema = z.looseObject({ Content: z.string().optional(), PicName: scalar }).optional();

const tollgateSchema = z.looseObject({
  Picture: z.looseObject({
    Plate: z.looseObject({
      PlateNumber: z.string().optional(),
      PlateColor: scalar,
      PlateType: scalar,
      Confidence: scalar,
      Channel: scalar,
      Region: scalar,
    }),
    Vehicle: z
      .looseObject({ VehicleColor: scalar, VehicleType: scalar, VehicleSeries: scalar, VehicleSign: scalar })
      .optional(),
    SnapInfo: z
      .looseObject({
        AccurateTime: scalar,
        SnapTime: scalar,
        DeviceID: scalar,
        Direction: scalar,
        TimeZone: scalar,
        LaneNo: scalar,
        Lane: scalar,
        TriggerSource: scalar,
      })
      .optional(),
    NormalPic: picSchema,
    CutoutPic: picSchema,
    VehiclePic: picSchema,
  }),
});

const rpcEventSchema = z.looseObject({
  Code: z.string(),
  Index: scalar,
  Data: z.looseObject({
    UTC: scalar,
    UTCMS: scalar,
    RealUTC: scalar,
    LocaleTime: scalar,
    Lane: scalar,
    EventID: scalar,
    GroupID: scalar,
    JunctionDirection: scalar,
    TrafficCar: z
      .looseObject({
        PlateNumber: z.string().optional(),
        PlateColor: scalar,
        PlateType: scalar,
        VehicleColor: scalar,
        MachineName: scalar,
        Lane: scalar,
        DrivingDirection: z.array(z.string()).optional(),
      })
      .optional(),
    Object: z.looseObject({ ObjectType: scalar, Text: scalar, Confidence: scalar }).optional(),
    Vehicle: z.looseObject({ Category: scalar }).optional(),
    CommInfo: z.looseObject({ StandardVehicleType: scalar }).nullish(),
  }),
});
type RpcEvent = z.infer<typeof rpcEventSchema>;

function tollgateTime(snap: z.infer<typeof tollgateSchema>["Picture"]["SnapInfo"]): DeviceTime | null {
  const local = textOrNull(snap?.AccurateTime) ?? textOrNull(snap?.SnapTime);
  return local ? { kind: "iso", value: local } : null;
}

function tollgateRead(doc: z.infer<typeof tollgateSchema>, input: PlateParseInput): PlateRead {
  const { Plate: plate, Vehicle: vehicle, SnapInfo: snap } = doc.Picture;
  const budget = new PictureBudget(resolveLimits(input));
  const images: PlateImage[] = [];
  const pics = [
    [doc.Picture.CutoutPic, "plate"],
    [doc.Picture.NormalPic, "scene"],
    [doc.Picture.VehiclePic, "scene"],
  ] as const;
  for (const [pic, role] of pics) {
    const image = pic?.Content ? budget.base64(pic.Content, role, String(pic.PicName ?? role)) : null;
    if (image) images.push(image);
  }
  return buildPlateRead(
    {
      plateRaw: plate.PlateNumber ?? "",
      deviceColour: plateColourFromText(textOrNull(plate.PlateColor)),
      confidence: confidenceOrNull(plate.Confidence),
      time: tollgateTime(snap),
      deviceId: textOrNull(snap?.DeviceID, 128),
      channel: textOrNull(plate.Channel),
      lane: intOrNull(snap?.LaneNo ?? snap?.Lane),
      direction: textOrNull(snap?.Direction),
      vehicleType: textOrNull(vehicle?.VehicleType),
      vehicleColour: textOrNull(vehicle?.VehicleColor),
      images,
      vendorEventId: textOrNull(doc.Picture.NormalPic?.PicName ?? doc.Picture.CutoutPic?.PicName, 256),
      details: {
        plateType: textOrNull(plate.PlateType),
        region: textOrNull(plate.Region),
        vehicleSign: textOrNull(vehicle?.VehicleSign),
        vehicleSeries: textOrNull(vehicle?.VehicleSeries),
        triggerSource: textOrNull(snap?.TriggerSource),
        deviceTimeZoneCode: textOrNull(snap?.TimeZone),
      },
    },
    "dahua",
    input,
  );
}

function rpcTime(data: RpcEvent["Data"]): DeviceTime | null {
  const realUtc = numberOrNull(data.RealUTC);
  if (realUtc && realUtc > 0) return { kind: "epoch", value: realUtc };
  const utc = numberOrNull(data.UTC);
  if (utc && utc > 0) return { kind: "local_epoch", value: utc * 1000 + (numberOrNull(data.UTCMS) ?? 0) };
  const locale = textOrNull(data.LocaleTime);
  return locale ? { kind: "local", value: locale } : null;
}

function rpcPlateText(data: RpcEvent["Data"]): string | undefined {
  if (data.TrafficCar?.PlateNumber !== undefined) return data.TrafficCar.PlateNumber;
  return data.Object?.ObjectType === "Plate" ? String(data.Object.Text ?? "") : undefined;
}

function rpcRead(event: RpcEvent, input: PlateParseInput): PlateRead {
  const { Data: data } = event;
  const car = data.TrafficCar;
  return buildPlateRead(
    {
      plateRaw: rpcPlateText(data) ?? "",
      deviceColour: plateColourFromText(textOrNull(car?.PlateColor)),
      confidence: confidenceOrNull(data.Object?.Confidence),
      time: rpcTime(data),
      deviceId: textOrNull(car?.MachineName, 128),
      channel: textOrNull(event.Index),
      lane: intOrNull(data.Lane ?? car?.Lane),
      direction: textOrNull(data.JunctionDirection) ?? textOrNull(car?.DrivingDirection?.[0]),
      vehicleType: textOrNull(data.Vehicle?.Category) ?? textOrNull(data.CommInfo?.StandardVehicleType),
      vehicleColour: textOrNull(car?.VehicleColor),
      vendorEventId: [data.GroupID, data.EventID].every((v) => v !== undefined && v !== null)
        ? `${data.GroupID}:${data.EventID}`
        : textOrNull(data.EventID),
      details: { eventCode: event.Code, plateType: textOrNull(car?.PlateType) },
    },
    "dahua",
    input,
  );
}

function rpcEvents(doc: unknown): unknown[] | null {
  if (Array.isArray(doc)) return doc;
  const o = looseObject.safeParse(doc);
  if (!o.success) return null;
  const params = looseObject.safeParse(o.data.params);
  const list = params.success ? params.data.eventList : o.data.eventList;
  if (Array.isArray(list)) return list;
  return typeof o.data.Code === "string" ? [o.data] : null;
}

export const dahuaParser: PlateParser = {
  format: "dahua",
  contentTypes: JSON_CONTENT_TYPES,
  async parse(input) {
    const ct = checkEnvelope(input, JSON_CONTENT_TYPES);
    const doc = parseJsonText(decodeBodyText(input.body, ct.params.charset).text);
    if (looseObject.safeParse(doc).success && (doc as { Picture?: unknown }).Picture !== undefined) {
      return [tollgateRead(parseWithSchema(tollgateSchema, doc), input)];
    }
    const events = rpcEvents(doc);
    if (!events) throw new PlateParseError("invalid_payload", "neither TollgateInfo nor an event list");
    ensureReadCount(events.length, resolveLimits(input));
    const plateEvents = events
      .map((e) => parseWithSchema(rpcEventSchema, e))
      .filter((e) => rpcPlateText(e.Data) !== undefined);
    return collectReads(plateEvents, (e) => rpcRead(e, input));
  },
};
