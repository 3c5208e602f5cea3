export { activeStreamProcessCount } from "./bounded-process.js";
export {
  StreamCheckLimiter,
  type StreamCheckLimiterOptions,
  streamCheckLimiterOptionsSchema,
} from "./check-limiter.js";
export type { RtspTransport } from "./check-options.js";
export type { DecodeLog } from "./decode-log.js";
export type { TimeInterval } from "./intervals.js";
export { type JpegSize, readJpegSize } from "./jpeg-info.js";
export type { LocalizedText } from "./localized-text.js";
export {
  type FfprobeOutput,
  interpretFfprobeOutput,
  type ProbeOptions,
  probeOptionsSchema,
  probeStream,
  type StreamProbeResult,
} from "./probe-stream.js";
export {
  compareWithProfile,
  type DeviationThresholds,
  deviationThresholdsSchema,
  normaliseCodec,
  type PromisedProfile,
  promisedProfileSchema,
  type StreamDeviation,
  type StreamDeviationKind,
  type StreamMeasurements,
  streamDeviationKindSchema,
  streamDeviationKinds,
  streamDeviationLabels,
} from "./profile-compare.js";
export { type AuthChallenge, type Credentials, parseAuthChallenges } from "./rtsp/rtsp-auth.js";
export {
  type RtspAuthUsed,
  type RtspCheckOptions,
  type RtspDescribeResult,
  type RtspOptionsResult,
  rtspDescribe,
  rtspOptions,
} from "./rtsp/rtsp-check.js";
export { parseSdp, type SdpDescription, type SdpMedia } from "./rtsp/sdp.js";
export {
  type ImageVerdict,
  type ImageVerdictConfig,
  imageVerdictConfigSchema,
  judgeSample,
  type SampleDecodeResult,
  type SampleOptions,
  sampleDecode,
  sampleOptionsSchema,
} from "./sample-decode.js";
export {
  classifyFfmpegStderr,
  isStreamCheckError,
  StreamCheckError,
  type StreamErrorCode,
  streamErrorCodes,
  streamErrorLabels,
} from "./stream-errors.js";
export { redactStreamUrl, streamCheckKey, streamUrlSchema } from "./stream-url.js";
export { type SnapshotOptions, snapshotOptionsSchema, takeSnapshot } from "./take-snapshot.js";
export { findClosedPort, type SilentServer, startSilentTcpServer } from "./test-streams/silent-servers.js";
export {
  startTestHttpStreamServer,
  type TestHttpStreamServer,
} from "./test-streams/test-http-stream-server.js";
export {
  generateTestMediaFile,
  removeTestMedia,
  type TestMediaFileOptions,
} from "./test-streams/test-media-files.js";
export type { BlipSpec, TestPattern } from "./test-streams/test-patterns.js";
export {
  startTestRtspServer,
  type TestRtspServer,
  type TestRtspServerOptions,
} from "./test-streams/test-rtsp-server.js";
