import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createOnvifDevice } from "./device.js";
import { OnvifError } from "./errors.js";
import { passwordDigest } from "./ws-security.js";
import { parseXml } from "./xml.js";

const servers: Server[] = [];

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse, body: string) => void,
): Promise<string> {
  const server = createServer(async (req, res) => {
    let body = "";
    for await (const chunk of req) body += chunk;
    handler(req, res, body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/onvif/device_service`;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8");
}

async function failure(promise: Promise<unknown>): Promise<OnvifError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OnvifError) return error;
    throw error;
  }
  throw new Error("expected an OnvifError");
}

describe("XML safety", () => {
  it("refuses a DOCTYPE with an external entity (XXE)", () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>';
    expect(() => parseXml(xxe)).toThrow(expect.objectContaining({ code: "malformed_xml" }));
  });

  it("refuses the billion laughs entity bomb", () => {
    const lol =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' +
      '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><lolz>&lol3;</lolz>';
    expect(() => parseXml(lol)).toThrow(expect.objectContaining({ code: "malformed_xml" }));
  });

  it("decodes only predefined entities and character references", () => {
    const parsed = parseXml("<a><u>rtsp://h/x?a=1&amp;b=2&#38;c=&#x33;</u><v>&custom;</v></a>");
    expect(parsed).toEqual({ a: { u: "rtsp://h/x?a=1&b=2&c=3", v: "&custom;" } });
  });

  it("reports truncated XML as malformed", () => {
    expect(() => parseXml("<s:Envelope><s:Body><x>")).toThrow(
      expect.objectContaining({ code: "malformed_xml" }),
    );
  });
});

describe("WS-UsernameToken digest", () => {
  it("matches Base64(SHA1(nonce + created + password))", () => {
    const nonce = Buffer.from("LKqI6G/AikKCQrN0zqZFlg==", "base64");
    const created = "2010-09-16T07:50:45Z";
    const expected = createHash("sha1")
      .update(Buffer.concat([nonce, Buffer.from(created), Buffer.from("userpassword")]))
      .digest("base64");
    expect(passwordDigest(nonce, created, "userpassword")).toBe(expected);
    expect(expected).toBe("tuOSpGlFlIXsozq4HFNeeGeFLEI=");
  });
});

describe("SOAP transport failures", () => {
  const options = { username: "admin", password: "secret", timeoutMs: 1500 };

  it("turns a SOAP 1.2 fault into soap_fault with code, subcodes and reason", async () => {
    const address = await serve((_req, res) => {
      res.writeHead(500, { "content-type": "application/soap+xml" });
      res.end(
        '<env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope"><env:Body><env:Fault><env:Code><env:Value>env:Receiver</env:Value><env:Subcode><env:Value>ter:ActionNotSupported</env:Value></env:Subcode></env:Code><env:Reason><env:Text xml:lang="en">Optional Action Not Implemented</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>',
      );
    });
    const error = await failure(createOnvifDevice({ ...options, address }).getDeviceInformation());
    expect(error.code).toBe("soap_fault");
    expect(error.details.fault).toEqual({
      code: "env:Receiver",
      subcodes: ["ter:ActionNotSupported"],
      reason: "Optional Action Not Implemented",
    });
  });

  it("reads SOAP 1.1 faults", async () => {
    const address = await serve((_req, res) => {
      res.writeHead(500, { "content-type": "text/xml" });
      res.end(fixture("soap11-fault.xml"));
    });
    const error = await failure(createOnvifDevice({ ...options, address }).getDeviceInformation());
    expect(error.code).toBe("soap_fault");
    expect(error.details.fault).toEqual({
      code: "SOAP-ENV:Client",
      subcodes: ["ActionNotSupported"],
      reason: "Method not implemented",
    });
  });

  it("falls back to SOAP 1.1 once when the device answers 415", async () => {
    const seen: string[] = [];
    const address = await serve((req, res) => {
      seen.push(String(req.headers["content-type"]));
      if (String(req.headers["content-type"]).startsWith("application/soap+xml")) {
        res.writeHead(415);
        res.end("<x/>");
        return;
      }
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(fixture("dahua-get-device-information.xml"));
    });
    const info = await createOnvifDevice({ ...options, address }).getDeviceInformation();
    expect(info.model).toBe("DH-2H3400-ADP");
    expect(seen).toHaveLength(2);
    expect(seen[1]).toMatch(/^text\/xml/);
  });

  it("re-syncs once and then reports auth_failed on a persistent NotAuthorized, with exactly one retry", async () => {
    const operations: string[] = [];
    const address = await serve((_req, res, body) => {
      const operation = /<(?:\w+:)?Body[^>]*><(?:\w+:)?(\w+)/.exec(body)?.[1] ?? "";
      operations.push(operation);
      if (operation === "GetSystemDateAndTime") {
        res.writeHead(200, { "content-type": "application/soap+xml" });
        res.end(fixture("axis-get-system-date-and-time.xml"));
        return;
      }
      res.writeHead(400, { "content-type": "application/soap+xml" });
      res.end(fixture("fault-not-authorized.xml"));
    });
    const error = await failure(createOnvifDevice({ ...options, address }).getDeviceInformation());
    expect(error.code).toBe("auth_failed");
    expect(operations).toEqual(["GetDeviceInformation", "GetSystemDateAndTime", "GetDeviceInformation"]);
  });

  it("caps response size (too_large) even without Content-Length", async () => {
    const address = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/soap+xml" });
      const chunk = `<x>${"a".repeat(64 * 1024)}</x>`;
      for (let i = 0; i < 40; i++) res.write(chunk);
      res.end();
    });
    const error = await failure(createOnvifDevice({ ...options, address }).getSystemDateAndTime());
    expect(error.code).toBe("too_large");
  });

  it("refuses a DOCTYPE-carrying response as malformed_xml", async () => {
    const address = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/soap+xml" });
      res.end('<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/hostname">]><e>&x;</e>');
    });
    const error = await failure(createOnvifDevice({ ...options, address }).getSystemDateAndTime());
    expect(error.code).toBe("malformed_xml");
  });

  it("reports an HTML error page as unexpected_response, not a crash", async () => {
    const address = await serve((_req, res) => {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<html><body>Not Found</body></html>");
    });
    const error = await failure(createOnvifDevice({ ...options, address }).getSystemDateAndTime());
    expect(error.code).toBe("unexpected_response");
  });

  it("rejects an address that is not a URL", () => {
    expect(() => createOnvifDevice({ ...options, address: "ftp://camera/onvif" })).toThrow(
      expect.objectContaining({ code: "invalid_address" }),
    );
  });
});
