export {
  type OnvifSimulator,
  type OnvifSimulatorOptions,
  type SimCameraStats,
  type SimFault,
  type SimulatedCamera,
  startOnvifSimulator,
} from "./onvif-simulator.js";
export { type SimCameraSpec, type SimProfile, type SimVendor, simVendors } from "./sim-camera.js";
