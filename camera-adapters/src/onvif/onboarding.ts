import type { CallOptions, OnboardingTarget } from "./device.js";
import { validated } from "./device-parsers.js";
import { OnvifError } from "./errors.js";
import {
  type OnboardedProfile,
  type OnboardingResult,
  OnboardingResultSchema,
  type Vendor,
} from "./schemas.js";

const vendorPatterns: Array<[RegExp, Vendor]> = [
  [/hikvision|hik-?vision|^hik/i, "hikvision"],
  [/dahua/i, "dahua"],
  [/^axis/i, "axis"],
  [/uniview|^unv$/i, "uniview"],
];

export function vendorFromManufacturer(manufacturer: string): Vendor {
  return vendorPatterns.find(([pattern]) => pattern.test(manufacturer.trim()))?.[1] ?? "other";
}

/** Optional steps fail soft: the camera is still worth storing, with a note for the technician. */
async function optional<T>(warnings: string[], what: string, step: () => Promise<T>): Promise<T | null> {
  try {
    return await step();
  } catch (error) {
    if (
      error instanceof OnvifError &&
      (error.code === "soap_fault" || error.code === "unexpected_response")
    ) {
      warnings.push(`${what}: ${error.message}`);
      return null;
    }
    throw error;
  }
}

/**
 * GetSystemDateAndTime → GetDeviceInformation → GetServices/GetCapabilities → GetNetworkInterfaces
 * → GetProfiles (Media1 and Media2) → GetStreamUri/GetSnapshotUri per profile.
 * Transport and auth failures abort the whole onboarding; per-profile URI faults do not.
 */
export async function onboardDevice(
  device: OnboardingTarget,
  options: CallOptions = {},
): Promise<OnboardingResult> {
  const warnings: string[] = [];
  const clock = await device.getSystemDateAndTime(options);
  const info = await device.getDeviceInformation(options);
  const services = await device.resolveServices(options);
  const interfaces = await optional(warnings, "GetNetworkInterfaces", () =>
    device.getNetworkInterfaces(options),
  );
  const macAddress = interfaces?.find((nic) => nic.enabled && nic.macAddress)?.macAddress ?? null;
  const profiles = await device.getProfiles({ ...options, warnings });
  const onboarded: OnboardedProfile[] = [];
  for (const profile of profiles) {
    const streamUri = await optional(warnings, `GetStreamUri ${profile.token}`, () =>
      device.getStreamUri(profile.token, options),
    );
    const snapshotUri = await optional(warnings, `GetSnapshotUri ${profile.token}`, () =>
      device.getSnapshotUri(profile.token, options),
    );
    onboarded.push({ ...profile, streamUri, snapshotUri });
  }
  return validated(
    OnboardingResultSchema,
    {
      deviceServiceUrl: device.deviceServiceUrl,
      vendor: vendorFromManufacturer(info.manufacturer),
      ...info,
      macAddress,
      clock,
      services: services.xaddrs,
      supports: {
        pullPoint: services.capabilities?.pullPointSupport ?? services.xaddrs.events !== undefined,
        media2: services.xaddrs.media2 !== undefined,
        ptz: services.xaddrs.ptz !== undefined,
      },
      profiles: onboarded,
      warnings,
      onboardedAt: new Date().toISOString(),
    },
    "OnboardingResult",
  );
}
