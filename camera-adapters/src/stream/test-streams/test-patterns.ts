/** What a test stream shows. "blip" is normal video with a short black interval, like a day/night IR switch. */
export type TestPattern = "normal" | "black" | "frozen" | "blip";

export interface TestVideoShape {
  width: number;
  height: number;
  fps: number;
}

export interface BlipSpec {
  /** Second at which the black blip starts (modulo `periodSeconds` for endless streams). */
  startSeconds: number;
  durationSeconds: number;
  periodSeconds?: number;
}

/** A lavfi filtergraph source for the pattern; used by both the file generator and the RTSP server. */
export function lavfiSource(pattern: TestPattern, shape: TestVideoShape, blip?: BlipSpec): string {
  const size = `size=${shape.width}x${shape.height}:rate=${shape.fps}`;
  switch (pattern) {
    case "normal":
      return `testsrc2=${size}`;
    case "black":
      return `color=c=black:${size}`;
    case "frozen":
      // One frame of testsrc2 repeated forever, re-timed so -re still paces it in real time.
      return `testsrc2=${size},trim=end_frame=1,loop=loop=-1:size=1,setpts=N/${shape.fps}/TB`;
    case "blip": {
      const spec = blip ?? { startSeconds: 2, durationSeconds: 1, periodSeconds: 10 };
      const t = spec.periodSeconds ? `mod(t\\,${spec.periodSeconds})` : "t";
      const end = spec.startSeconds + spec.durationSeconds;
      return `testsrc2=${size},drawbox=c=black:t=fill:enable='gte(${t}\\,${spec.startSeconds})*lt(${t}\\,${end})'`;
    }
  }
}
