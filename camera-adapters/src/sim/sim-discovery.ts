import { createSocket, type Socket } from "node:dgram";
import type { SimCameraSpec } from "./sim-camera.js";
import { probeMatches } from "./sim-soap-templates.js";

export interface DiscoveryResponderOptions {
  host: string;
  port: number;
  cameras: () => Iterable<SimCameraSpec>;
  xaddrFor: (spec: SimCameraSpec) => string;
  isAnswering: (spec: SimCameraSpec) => boolean;
}

export interface DiscoveryResponder {
  port: number;
  close(): Promise<void>;
}

const messageIdPattern = /<(?:[\w.-]+:)?MessageID[^>]*>([^<]+)</;

/**
 * Answers WS-Discovery Probes sent by unicast to its UDP port, one ProbeMatches datagram per
 * camera, as each real camera would. Multicast is not joined: loopback multicast is not
 * routable in every sandbox, so tests probe this port directly.
 */
export function startDiscoveryResponder(options: DiscoveryResponderOptions): Promise<DiscoveryResponder> {
  const socket: Socket = createSocket({ type: "udp4", reuseAddr: false });
  socket.on("message", (message, remote) => {
    const text = message.toString("utf8");
    if (!/Probe\b/.test(text) || /ProbeMatches/.test(text)) return;
    const relatesTo = messageIdPattern.exec(text)?.[1]?.trim();
    if (!relatesTo) return;
    for (const spec of options.cameras()) {
      if (!options.isAnswering(spec)) continue;
      socket.send(probeMatches(spec, relatesTo, options.xaddrFor(spec)), remote.port, remote.address);
    }
  });
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(options.port, options.host, () => {
      socket.off("error", reject);
      resolve({
        port: socket.address().port,
        close: () => new Promise<void>((done) => socket.close(() => done())),
      });
    });
  });
}
