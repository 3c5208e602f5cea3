import { randomUUID } from "node:crypto";
import { createSocket, type Socket } from "node:dgram";
import { validated } from "./device-parsers.js";
import { OnvifError } from "./errors.js";
import { type DiscoveredDevice, DiscoveredDeviceSchema } from "./schemas.js";
import { children, parseXml, pathOf, textAt, textOf } from "./xml.js";

export const wsDiscoveryMulticast = { address: "239.255.255.250", port: 3702 } as const;

export interface ProbeOptions {
  timeoutMs: number;
  /** Send to the WS-Discovery multicast group (default true). */
  multicast?: boolean;
  /** Local interface addresses to send multicast from; default: the OS's choice. */
  interfaces?: string[];
  /** Hosts to probe by unicast, e.g. a known subnet's cameras or a simulator's responder. */
  targets?: Array<{ host: string; port?: number }>;
  signal?: AbortSignal;
}

export function buildProbe(messageId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">' +
    `<s:Header><a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action><a:MessageID>${messageId}</a:MessageID>` +
    '<a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo><a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To></s:Header>' +
    "<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body></s:Envelope>"
  );
}

function scopeValue(scopes: string[], category: string): string | null {
  const prefix = `onvif://www.onvif.org/${category}/`;
  const values = scopes
    .filter((s) => s.toLowerCase().startsWith(prefix.toLowerCase()))
    .map((s) => {
      const raw = s.slice(prefix.length);
      try {
        return decodeURIComponent(raw);
      } catch {
        return raw;
      }
    });
  return values.length > 0 ? values.join("/") : null;
}

/** Parses one ProbeMatches datagram; answers to other probes (RelatesTo) are ignored. */
export function parseProbeMatches(
  xml: string,
  from: { address: string; port: number },
  messageId?: string,
): DiscoveredDevice[] {
  const root = parseXml(xml);
  const envelope = pathOf(root, "Envelope");
  const relatesTo = textAt(envelope, "Header", "RelatesTo");
  if (messageId !== undefined && relatesTo !== undefined && relatesTo !== messageId) return [];
  return children(pathOf(envelope, "Body", "ProbeMatches"), "ProbeMatch").flatMap((match) => {
    const split = (text: string | undefined) => (text ?? "").split(/\s+/).filter(Boolean);
    const scopes = split(textOf(pathOf(match, "Scopes")));
    const endpointReference = textAt(match, "EndpointReference", "Address");
    if (!endpointReference) return [];
    return [
      validated(
        DiscoveredDeviceSchema,
        {
          endpointReference,
          xaddrs: split(textAt(match, "XAddrs")),
          types: split(textAt(match, "Types")),
          scopes,
          name: scopeValue(scopes, "name"),
          hardware: scopeValue(scopes, "hardware"),
          location: scopeValue(scopes, "location"),
          from,
        },
        "ProbeMatch",
      ),
    ];
  });
}

/**
 * Sends a WS-Discovery Probe (multicast and/or unicast) and collects ProbeMatches until the
 * timeout. Devices are de-duplicated by EndpointReference. Malformed answers are skipped:
 * anyone on the LAN can send us datagrams.
 */
export async function probe(options: ProbeOptions): Promise<DiscoveredDevice[]> {
  const messageId = `uuid:${randomUUID()}`;
  const message = Buffer.from(buildProbe(messageId));
  const found = new Map<string, DiscoveredDevice>();
  const socket: Socket = createSocket({ type: "udp4", reuseAddr: true });
  socket.on("message", (data, remote) => {
    try {
      for (const device of parseProbeMatches(
        data.toString("utf8"),
        { address: remote.address, port: remote.port },
        messageId,
      )) {
        if (!found.has(device.endpointReference)) found.set(device.endpointReference, device);
      }
    } catch {
      // Not a ProbeMatches we can read; ignore it.
    }
  });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.bind(0, () => {
        socket.off("error", reject);
        resolve();
      });
    });
    const sends: Array<Promise<void>> = [];
    const send = (port: number, host: string) =>
      new Promise<void>((resolve, reject) =>
        socket.send(message, port, host, (error) => (error ? reject(error) : resolve())),
      );
    if (options.multicast ?? true) {
      for (const local of options.interfaces ?? [undefined]) {
        if (local) socket.setMulticastInterface(local);
        sends.push(send(wsDiscoveryMulticast.port, wsDiscoveryMulticast.address));
      }
    }
    for (const target of options.targets ?? [])
      sends.push(send(target.port ?? wsDiscoveryMulticast.port, target.host));
    await Promise.all(sends);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.timeoutMs);
      options.signal?.addEventListener("abort", () => {
        clearTimeout(timer);
        resolve();
      });
    });
  } catch (error) {
    throw new OnvifError(
      "unreachable",
      `WS-Discovery probe could not be sent: ${(error as Error).message}`,
      {},
      { cause: error },
    );
  } finally {
    socket.close();
  }
  return [...found.values()];
}
