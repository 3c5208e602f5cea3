import dns from "node:dns";
import net from "node:net";

/**
 * SSRF guard for webhook URLs. Municipal integrations often live on private networks, so
 * RFC 1918 addresses are allowed; what is never allowed is link-local (cloud metadata at
 * 169.254.169.254, fe80::/10), cloud metadata addresses outside it, unspecified and
 * multicast addresses. Loopback only when configured (tests, a local relay).
 */
const alwaysBlocked = new net.BlockList();
alwaysBlocked.addSubnet("0.0.0.0", 8, "ipv4");
alwaysBlocked.addSubnet("169.254.0.0", 16, "ipv4");
alwaysBlocked.addAddress("100.100.100.200", "ipv4"); // Alibaba Cloud metadata
alwaysBlocked.addSubnet("224.0.0.0", 4, "ipv4");
alwaysBlocked.addAddress("255.255.255.255", "ipv4");
alwaysBlocked.addAddress("::", "ipv6");
alwaysBlocked.addSubnet("fe80::", 10, "ipv6");
alwaysBlocked.addSubnet("ff00::", 8, "ipv6");
alwaysBlocked.addAddress("fd00:ec2::254", "ipv6"); // AWS metadata over IPv6

const loopback = new net.BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

export class WebhookUrlError extends Error {
  constructor(
    readonly code: "bad_url" | "blocked_address" | "unresolvable",
    message: string,
  ) {
    super(message);
    this.name = "WebhookUrlError";
  }
}

/** ::ffff:169.254.169.254 is the IPv4 address behind it. */
function normalise(address: string): { address: string; family: "ipv4" | "ipv6" } {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return { address: mapped[1]!, family: "ipv4" };
  return { address, family: net.isIPv6(address) ? "ipv6" : "ipv4" };
}

/** Why an address may not be called, or null when it may. */
export function blockedReason(address: string, allowLoopback: boolean): string | null {
  const a = normalise(address);
  if (alwaysBlocked.check(a.address, a.family))
    return `${address} is a link-local, metadata, unspecified or multicast address`;
  if (!allowLoopback && loopback.check(a.address, a.family))
    return `${address} is a loopback address (allowed only with GRIDOPS_WEBHOOK_ALLOW_LOOPBACK)`;
  return null;
}

export function parseWebhookUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlError("bad_url", `${JSON.stringify(raw)} is not a URL.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new WebhookUrlError("bad_url", "Webhook URLs must be http or https.");
  if (url.username || url.password)
    throw new WebhookUrlError("bad_url", "Put no credentials in the URL; requests are signed instead.");
  return url;
}

const hostOf = (url: URL) => url.hostname.replace(/^\[|\]$/g, "");

/** Resolves the host now and refuses blocked addresses (the send path checks again at connect). */
export async function checkWebhookUrl(raw: string, allowLoopback: boolean): Promise<URL> {
  const url = parseWebhookUrl(raw);
  const host = hostOf(url);
  const addresses = net.isIP(host)
    ? [host]
    : await dns.promises.lookup(host, { all: true }).then(
        (r) => r.map((a) => a.address),
        () => {
          throw new WebhookUrlError("unresolvable", `The host ${host} does not resolve.`);
        },
      );
  for (const address of addresses) {
    const reason = blockedReason(address, allowLoopback);
    if (reason) throw new WebhookUrlError("blocked_address", `Refusing ${host}: ${reason}.`);
  }
  return url;
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | dns.LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for http.request that refuses blocked addresses at connect time, so a DNS
 * answer that changes after the URL was checked (rebinding) is caught too.
 */
export function guardedLookup(allowLoopback: boolean) {
  return (hostname: string, options: dns.LookupOptions, callback: LookupCallback): void => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, "");
      for (const a of addresses) {
        const reason = blockedReason(a.address, allowLoopback);
        if (reason)
          return callback(
            Object.assign(new Error(`Refusing ${hostname}: ${reason}`), { code: "EWEBHOOKBLOCKED" }),
            "",
          );
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first)
        return callback(Object.assign(new Error(`${hostname} has no address`), { code: "ENOTFOUND" }), "");
      callback(null, first.address, first.family);
    });
  };
}

/** IP-literal hosts skip `lookup`, so they are checked here before connecting. */
export function literalHostBlocked(url: URL, allowLoopback: boolean): string | null {
  const host = hostOf(url);
  return net.isIP(host) ? blockedReason(host, allowLoopback) : null;
}
