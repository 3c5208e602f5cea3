import { createHash, randomBytes } from "node:crypto";
import { escapeXml } from "./xml.js";

/** ONVIF devices compare `Created` with their own clock; milliseconds confuse some firmware. */
export function formatCreated(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** PasswordDigest = Base64(SHA1(nonce bytes + created + password)), WS-Security UsernameToken profile 1.0. */
export function passwordDigest(nonce: Buffer, created: string, password: string): string {
  return createHash("sha1")
    .update(Buffer.concat([nonce, Buffer.from(created, "utf8"), Buffer.from(password, "utf8")]))
    .digest("base64");
}

export interface UsernameTokenInput {
  username: string;
  password: string;
  /** Epoch ms on the device's clock (local time plus the measured offset). */
  deviceNowMs: number;
  nonce?: Buffer;
}

export function buildSecurityHeader(input: UsernameTokenInput): string {
  const nonce = input.nonce ?? randomBytes(16);
  const created = formatCreated(input.deviceNowMs);
  const digest = passwordDigest(nonce, created, input.password);
  return (
    '<wsse:Security s:mustUnderstand="1" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd">' +
    `<wsse:UsernameToken><wsse:Username>${escapeXml(input.username)}</wsse:Username>` +
    `<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${digest}</wsse:Password>` +
    `<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce.toString("base64")}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`
  );
}
