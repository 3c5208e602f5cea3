export {
  type CallOptions,
  createOnvifDevice,
  normaliseDeviceAddress,
  type OnvifDevice,
  type OnvifDeviceOptions,
  type PullMessagesOptions,
} from "./device.js";
export {
  buildProbe,
  type ProbeOptions,
  parseProbeMatches,
  probe,
  wsDiscoveryMulticast,
} from "./discovery.js";
export {
  isOnvifError,
  OnvifError,
  type OnvifErrorCode,
  type OnvifErrorDetails,
  onvifErrorCodes,
  onvifErrorMessages,
  type SoapFaultDetails,
} from "./errors.js";
export { eventKindForTopic, normaliseTopic } from "./event-parsers.js";
export { vendorFromManufacturer } from "./onboarding.js";
export {
  createPullPointSession,
  eventStateKey,
  PullPointSession,
  type PullPointSessionOptions,
  type PullPointStatus,
} from "./pullpoint-session.js";
export * from "./schemas.js";
export type { FetchLike, SoapVersion } from "./soap-transport.js";
