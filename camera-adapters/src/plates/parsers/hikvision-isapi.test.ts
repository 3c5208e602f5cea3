import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { fakeJpeg, fixture, fixtureText, multipartBody } from "../fixtures/fixture-helpers.js";
import type { PlateParseInput } from "../parser-kit.js";
import type { PlateParseError } from "../plate-errors.js";
import { hikvisionIsapiParser as parser } from "./hikvision-isapi.js";

const receivedAt = new Date("2023-10-10T10:21:03Z");

function input(body: Buffer | string, contentType = "application/xml", extra: Partial<PlateParseInput> = {}) {
  return { body: Buffer.isBuffer(body) ? body : Buffer.from(body), contentType, receivedAt, ...extra };
}

async function parseError(promise: Promise<unknown>): Promise<PlateParseError> {
  try {
    await promise;
  } catch (error) {
    return error as PlateParseError;
  }
  throw new Error("expected the parse to fail");
}

function multipartWan(pictures = [fakeJpeg(300), fakeJpeg(5000)]) {
  return multipartBody([
    {
      name: "anpr.xml",
      filename: "anpr.xml",
      contentType: "text/xml",
      data: fixture("hikvision-anpr-cn-wan.xml"),
    },
    {
      name: "licensePlatePicture.jpg",
      filename: "licensePlatePicture.jpg",
      contentType: "image/jpeg",
      data: pictures[0]!,
    },
    {
      name: "detectionPicture.jpg",
      filename: "detectionPicture.jpg",
      contentType: "image/jpeg",
      data: pictures[1]!,
    },
    ...pictures.slice(2).map((data, i) => ({
      name: `extra${i}.jpg`,
      filename: `extra${i}.jpg`,
      contentType: "image/jpeg",
      data,
    })),
  ]);
}

describe("hikvision-isapi: bare XML", () => {
  it("reads a Chinese ANPR push with a colour-prefixed plate", async () => {
    const [read, ...rest] = await parser.parse(input(fixture("hikvision-anpr-cn-wan.xml")));
    expect(rest).toEqual([]);
    expect(read).toMatchObject({
      plateText: "皖A7XG66",
      plateRaw: "蓝皖A7XG66",
      plateColour: "blue",
      plateValid: true,
      plateKind: "regular",
      confidence: 0.97,
      deviceId: "08:54:11:ed:6d:90",
      channel: "1",
      lane: 1,
      direction: "reverse",
      vehicleType: "van",
      vehicleColour: "gray",
      vendorEventId: "2023101018210222000oRLpp0ytu5g9UNTt1bKXHkZGgdLWXQcHpB8zLCACGwOO",
      format: "hikvision-isapi",
      images: [],
    });
    expect(read?.capturedAt.toISOString()).toBe("2023-10-10T10:21:01.000Z");
    expect(read?.details).toMatchObject({
      plateType: "92TypeCivil",
      colourSource: "device",
      timeSource: "device",
    });
  });

  it("keeps a foreign plate, flagged invalid, with its offset time (+07:00)", async () => {
    const reads = await parser.parse(
      input(fixture("hikvision-anpr-tcg405.xml"), "text/xml; charset=utf-8", {
        receivedAt: new Date("2024-05-07T10:48:05Z"),
      }),
    );
    expect(reads[0]).toMatchObject({
      plateText: "1กข2345",
      plateValid: false,
      plateKind: "unknown",
      plateColour: "unknown",
    });
    expect(reads[0]?.capturedAt.toISOString()).toBe("2024-05-07T10:48:03.847Z");
    expect(reads[0]?.details.deviceUUID).toBe("DS-TCG405-E 20220323AIJ67694167");
  });

  it("returns no reads for other alarm types posted to the same host", async () => {
    const reads = await parser.parse(
      input(fixture("hikvision-videoloss.xml"), "application/xml", {
        receivedAt: new Date("2026-05-18T18:21:00Z"),
      }),
    );
    expect(reads).toEqual([]);
  });

  it("refuses a device clock a decade ahead (real sample dated 2034)", async () => {
    const error = await parseError(parser.parse(input(fixture("hikvision-anpr-cn-su.xml"))));
    expect(error.code).toBe("timestamp_out_of_range");
    // ...and reads it once the operator records the clock offset
    const offsetMs = Date.parse("2034-01-04T07:57:03Z") - receivedAt.getTime();
    const reads = await parser.parse(
      input(fixture("hikvision-anpr-cn-su.xml"), "application/xml", { deviceClockOffsetMs: offsetMs }),
    );
    expect(reads[0]?.capturedAt.toISOString()).toBe(receivedAt.toISOString());
    expect(reads[0]?.plateText).toBe("苏A8HK52");
  });

  it("reads local time without offset in the device zone and falls back to absTime", async () => {
    const noOffset = fixtureText("hikvision-anpr-cn-wan.xml").replace(
      "2023-10-10T18:21:01+08:00",
      "2023-10-10T12:21:01",
    );
    const [read] = await parser.parse(input(noOffset, "application/xml", { deviceTimeZone: "Asia/Dubai" }));
    expect(read?.capturedAt.toISOString()).toBe("2023-10-10T08:21:01.000Z");
    const noDateTime = fixtureText("hikvision-anpr-cn-wan.xml").replace(/<dateTime>.*<\/dateTime>/, "");
    const [fromAbs] = await parser.parse(input(noDateTime));
    expect(fromAbs?.capturedAt.toISOString()).toBe("2023-10-10T10:21:01.925Z");
  });

  it("normalises a full-width plate", async () => {
    const xml = fixtureText("hikvision-anpr-cn-wan.xml").replace("蓝皖A7XG66", "皖Ａ·７ＸＧ６６");
    const [read] = await parser.parse(input(xml));
    expect(read?.plateText).toBe("皖A7XG66");
    expect(read?.plateRaw).toBe("皖Ａ·７ＸＧ６６");
  });

  it("decodes a GB2312 body, declared in the XML or not at all", async () => {
    const xml = fixtureText("hikvision-anpr-cn-wan.xml").replace('encoding="UTF-8"', 'encoding="GB2312"');
    const [declared] = await parser.parse(input(iconv.encode(xml, "gb2312")));
    expect(declared?.plateText).toBe("皖A7XG66");
    const undeclared = fixtureText("hikvision-anpr-cn-wan.xml").replace(
      '<?xml version="1.0" encoding="UTF-8"?>',
      "",
    );
    const [sniffed] = await parser.parse(input(iconv.encode(undeclared, "gbk")));
    expect(sniffed?.plateText).toBe("皖A7XG66");
  });

  it("dead-letters a push whose plate says there was none", async () => {
    const xml = fixtureText("hikvision-anpr-cn-wan.xml").replace("蓝皖A7XG66", "无车牌");
    expect((await parseError(parser.parse(input(xml)))).code).toBe("plate_empty");
  });
});

describe("hikvision-isapi: multipart with pictures", () => {
  it("attaches the pictures with roles from pictureInfoList", async () => {
    const body = multipartWan();
    const [read] = await parser.parse(input(body, "multipart/form-data; boundary=boundary"));
    expect(read?.plateText).toBe("皖A7XG66");
    expect(read?.images.map((i) => ("data" in i ? [i.role, i.mime, i.data.length] : []))).toEqual([
      ["plate", "image/jpeg", 300],
      ["scene", "image/jpeg", 5000],
    ]);
  });

  it("finds the XML when it comes as a plain field part", async () => {
    const body = multipartBody([
      {
        name: "MoveDetection.xml",
        contentType: "application/xml",
        data: fixture("hikvision-anpr-cn-wan.xml"),
      },
      { name: "licensePlatePicture.jpg", filename: "lp.jpg", contentType: "image/jpeg", data: fakeJpeg() },
    ]);
    const [read] = await parser.parse(input(body, "multipart/form-data; boundary=boundary"));
    expect(read?.plateText).toBe("皖A7XG66");
    expect(read?.images).toHaveLength(1);
  });

  it("refuses a picture over the cap, too many pictures, and a body with no XML", async () => {
    const limits = { maxPictureBytes: 4096, maxPictures: 2 };
    const big = await parseError(
      parser.parse(input(multipartWan(), "multipart/form-data; boundary=boundary", { limits })),
    );
    expect(big.code).toBe("picture_too_large");
    const many = multipartWan([fakeJpeg(), fakeJpeg(), fakeJpeg(), fakeJpeg()]);
    const tooMany = await parseError(
      parser.parse(input(many, "multipart/form-data; boundary=boundary", { limits })),
    );
    expect(tooMany.code).toBe("too_many_pictures");
    const noXml = multipartBody([
      { name: "a.jpg", filename: "a.jpg", contentType: "image/jpeg", data: fakeJpeg() },
    ]);
    expect(
      (await parseError(parser.parse(input(noXml, "multipart/form-data; boundary=boundary")))).code,
    ).toBe("missing_part");
  });

  it("refuses multipart without a boundary", async () => {
    const error = await parseError(parser.parse(input(multipartWan(), "multipart/form-data")));
    expect(error.code).toBe("malformed_multipart");
  });
});

describe("hikvision-isapi: hostile and broken input", () => {
  const xxe = `<?xml version="1.0"?>
<!DOCTYPE EventNotificationAlert [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<EventNotificationAlert><eventType>ANPR</eventType><macAddress>aa</macAddress>
<ANPR><licensePlate>&xxe;</licensePlate></ANPR></EventNotificationAlert>`;
  const laughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol9 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
]>
<EventNotificationAlert><eventType>ANPR</eventType><ANPR><licensePlate>&lol9;</licensePlate></ANPR></EventNotificationAlert>`;

  it.each([
    ["XXE", xxe],
    ["billion laughs", laughs],
    ["lower-case doctype", xxe.replace("DOCTYPE", "doctype")],
  ])("refuses %s before parsing", async (_name, xml) => {
    expect((await parseError(parser.parse(input(xml)))).code).toBe("xml_doctype_forbidden");
  });

  it("refuses a DOCTYPE hidden in a multipart XML part", async () => {
    const body = multipartBody([
      { name: "anpr.xml", filename: "anpr.xml", contentType: "text/xml", data: xxe },
    ]);
    const error = await parseError(parser.parse(input(body, "multipart/form-data; boundary=boundary")));
    expect(error.code).toBe("xml_doctype_forbidden");
  });

  it("leaves a stray entity reference unexpanded", async () => {
    const xml = fixtureText("hikvision-anpr-cn-wan.xml").replace(
      "<channelName>Camera 01</channelName>",
      "<channelName>&amp;x</channelName>",
    );
    const [read] = await parser.parse(input(xml));
    expect(read?.details.channelName).toBe("&amp;x");
  });

  it.each([
    ["unclosed tag", "<EventNotificationAlert><eventType>ANPR</eventType>"],
    ["mismatched tags", "<EventNotificationAlert><ANPR></EventNotificationAlert></ANPR>"],
    ["not XML", "licensePlate=ABC123"],
  ])("reports %s as malformed_xml", async (_name, xml) => {
    expect((await parseError(parser.parse(input(xml)))).code).toBe("malformed_xml");
  });

  it("reports a wrong root or a missing ANPR block as invalid_payload", async () => {
    expect((await parseError(parser.parse(input("<Heartbeat><ok>1</ok></Heartbeat>")))).code).toBe(
      "invalid_payload",
    );
    const noAnpr =
      "<EventNotificationAlert><eventType>ANPR</eventType><macAddress>a</macAddress></EventNotificationAlert>";
    const error = await parseError(parser.parse(input(noAnpr)));
    expect(error).toMatchObject({ code: "invalid_payload", field: "ANPR" });
  });

  it("refuses wrong content types, empty and oversized bodies", async () => {
    const xml = fixture("hikvision-anpr-cn-wan.xml");
    expect((await parseError(parser.parse(input(xml, "application/json")))).code).toBe(
      "unsupported_content_type",
    );
    expect((await parseError(parser.parse(input(Buffer.alloc(0))))).code).toBe("empty_body");
    const error = await parseError(
      parser.parse(input(xml, "application/xml", { limits: { maxBodyBytes: 1000 } })),
    );
    expect(error.code).toBe("body_too_large");
    expect(error.messageZh).toContain("请求体超过允许的大小");
  });

  it("says which device it could not identify", async () => {
    const xml = fixtureText("hikvision-anpr-cn-wan.xml")
      .replace(/<macAddress>.*<\/macAddress>/, "")
      .replace(/<ipAddress>.*<\/ipAddress>/, "");
    expect((await parseError(parser.parse(input(xml)))).code).toBe("missing_device_id");
    const [read] = await parser.parse(input(xml, "application/xml", { fallbackDeviceId: "cam-17" }));
    expect(read?.deviceId).toBe("cam-17");
  });
});
