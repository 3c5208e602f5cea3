export {
  type OnvifSimulator,
  type OnvifSimulatorOptions,
  type SimCameraStats,
  type SimFault,
  type SimulatedCamera,
  startOnvifSimulator,
} from "./onvif-simulator.js";
export {
  type FeedDevice,
  type FeedFormat,
  type FeedPayload,
  type PlateFeed,
  type PlateFeedOptions,
  randomPlate,
  renderPayload,
  seededRandom,
  startPlateFeedSimulator,
} from "./plate-feed.js";
export { type SimCameraSpec, type SimProfile, type SimVendor, simVendors } from "./sim-camera.js";
