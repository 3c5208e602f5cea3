import type { SimCameraSpec } from "./sim-camera.js";
import { type SimNotification, vendorBooleans } from "./sim-soap-templates.js";

export type SimEventKind = "tamper" | "video_loss" | "storage_failure";

export interface SimSubscription {
  id: string;
  cameraId: string;
  /** Real epoch ms when the subscription lapses. */
  expiresAtMs: number;
  queue: SimNotification[];
  wake: (() => void) | undefined;
}

/** Topic and item names as the vendor's firmware sends them (Hikvision uses its rule engine for tamper). */
export function notificationFor(
  spec: SimCameraSpec,
  kind: SimEventKind,
  active: boolean,
  operation: "Initialized" | "Changed",
  deviceNowMs: number,
): SimNotification {
  const [yes, no] = vendorBooleans(spec.vendor);
  const value = active ? yes : no;
  switch (kind) {
    case "tamper":
      return spec.vendor === "hikvision"
        ? {
            topic: "tns1:RuleEngine/TamperDetector/Tamper",
            utcMs: deviceNowMs,
            operation,
            source: [
              ["VideoSourceConfigurationToken", "VideoSourceConfig_1"],
              ["VideoAnalyticsConfigurationToken", "VideoAnalyticsToken"],
              ["Rule", "MyTamperDetectorRule"],
            ],
            data: [["IsTamper", value]],
          }
        : {
            topic: "tns1:VideoSource/GlobalSceneChange/ImagingService",
            utcMs: deviceNowMs,
            operation,
            source: [["Source", "VideoSource_1"]],
            data: [["State", value]],
          };
    case "video_loss":
      return {
        topic: "tns1:VideoSource/SignalLoss",
        utcMs: deviceNowMs,
        operation,
        source: [["Source", "VideoSource_1"]],
        data: [["State", value]],
      };
    case "storage_failure":
      return {
        topic: "tns1:Device/HardwareFailure/StorageFailure",
        utcMs: deviceNowMs,
        operation,
        source: [["Token", "SD_DISK_1"]],
        data: [["Failed", value]],
      };
  }
}

export function motionInitialized(spec: SimCameraSpec, deviceNowMs: number): SimNotification {
  return {
    topic: "tns1:VideoSource/MotionAlarm",
    utcMs: deviceNowMs,
    operation: "Initialized",
    source: [["Source", "VideoSource_1"]],
    data: [["State", vendorBooleans(spec.vendor)[1]]],
  };
}
