import { z } from "zod";
import type { LocalizedText } from "../stream/localized-text.js";

export const healthStates = [
  "online",
  "degraded",
  "offline",
  "auth_failed",
  "no_video",
  "tampered",
  "maintenance",
  "unknown",
] as const;
export const healthStateSchema = z.enum(healthStates);
export type HealthState = z.infer<typeof healthStateSchema>;

export const healthReasons = [
  "checks_passed",
  "unreachable",
  "auth_rejected",
  "tamper_event",
  "video_loss_event",
  "no_video_frames",
  "black_image",
  "frozen_image",
  "low_fps",
  "low_bitrate",
  "resolution_mismatch",
  "codec_mismatch",
  "clock_drift",
  "storage_failure",
  "maintenance_started",
  "maintenance_ended",
  "credentials_changed",
  "manual_reset",
] as const;
export const healthReasonSchema = z.enum(healthReasons);
export type HealthReason = z.infer<typeof healthReasonSchema>;

/** Glossary terms (docs GLOSSARY.md, "health state"). */
export const healthStateLabels: Record<HealthState, LocalizedText> = {
  online: { en: "Online", "zh-CN": "在线" },
  degraded: { en: "Degraded", "zh-CN": "异常" },
  offline: { en: "Offline", "zh-CN": "离线" },
  auth_failed: { en: "Authentication failed", "zh-CN": "认证失败" },
  no_video: { en: "No video", "zh-CN": "无视频" },
  tampered: { en: "Tampered", "zh-CN": "遮挡/移位" },
  maintenance: { en: "Maintenance", "zh-CN": "维护中" },
  unknown: { en: "Unknown", "zh-CN": "未知" },
};

export const healthReasonLabels: Record<HealthReason, LocalizedText> = {
  checks_passed: { en: "All checks passed", "zh-CN": "检测正常" },
  unreachable: { en: "Camera unreachable", "zh-CN": "网络不可达" },
  auth_rejected: { en: "Credentials rejected", "zh-CN": "用户名或密码错误" },
  tamper_event: { en: "Tamper alarm from camera", "zh-CN": "摄像机遮挡/移位报警" },
  video_loss_event: { en: "Video loss alarm from camera", "zh-CN": "摄像机视频丢失报警" },
  no_video_frames: { en: "No video frames received", "zh-CN": "未收到视频画面" },
  black_image: { en: "Black image", "zh-CN": "黑屏" },
  frozen_image: { en: "Frozen image", "zh-CN": "画面冻结" },
  low_fps: { en: "Frame rate too low", "zh-CN": "帧率过低" },
  low_bitrate: { en: "Bitrate too low", "zh-CN": "码率过低" },
  resolution_mismatch: { en: "Resolution differs from profile", "zh-CN": "分辨率与配置不符" },
  codec_mismatch: { en: "Codec differs from profile", "zh-CN": "编码格式与配置不符" },
  clock_drift: { en: "Camera clock drift", "zh-CN": "摄像机时钟偏差" },
  storage_failure: { en: "Storage failure", "zh-CN": "存储故障" },
  maintenance_started: { en: "Maintenance started", "zh-CN": "开始维护" },
  maintenance_ended: { en: "Maintenance ended", "zh-CN": "维护结束" },
  credentials_changed: { en: "Credentials changed", "zh-CN": "凭据已更新" },
  manual_reset: { en: "Reset by technician", "zh-CN": "运维人员手动复位" },
};

/** 0 healthy, 1 impaired, 2 down. Maintenance and unknown sit outside the scale. */
export function severityRank(state: HealthState): number {
  if (state === "online" || state === "unknown" || state === "maintenance") return 0;
  return state === "degraded" ? 1 : 2;
}
