import { isIP } from "node:net";

function isPrivateIpv4(host: string): boolean {
  const octets = host.split(".").map(Number);
  const [a = -1, b = -1] = octets;
  return (
    a === 10 ||
    a === 127 ||
    a === 0 ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 169 && b === 254) ||
    (a === 100 && b >= 64 && b <= 127)
  );
}

function isPrivateIpv6(host: string): boolean {
  const h = host.toLowerCase();
  return h === "::1" || h === "::" || h.startsWith("fc") || h.startsWith("fd") || h.startsWith("fe80");
}

/** True for addresses that only make sense inside the camera's own network. */
export function isLanAddress(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "");
  const family = isIP(host);
  if (family === 4) return isPrivateIpv4(host);
  if (family === 6) return isPrivateIpv6(host);
  return false;
}

/**
 * Devices behind NAT (or with a second interface) advertise addresses we cannot reach.
 * When an advertised host is a LAN IP other than the host we actually reached:
 * - "service" URLs (XAddrs, subscription addresses) are served by the same HTTP server we
 *   reached, so host *and* port become the reached ones; the path is kept.
 * - "media" URLs (RTSP, snapshot) get the reached host but keep their own port, since RTSP
 *   listens elsewhere and any port forwarding for it is not knowable from here.
 * Hostnames and public IPs are left alone: the device owner chose them.
 */
export function rewriteToReachedHost(advertised: string, reached: URL, kind: "service" | "media"): string {
  if (!URL.canParse(advertised)) return advertised;
  const url = new URL(advertised);
  if (url.hostname === reached.hostname || !isLanAddress(url.hostname)) return advertised;
  url.hostname = reached.hostname;
  if (kind === "service") {
    url.protocol = reached.protocol;
    url.port = reached.port;
  }
  return url.toString();
}
