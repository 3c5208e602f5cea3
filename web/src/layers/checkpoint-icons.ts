import { type CheckpointGrade, checkpointGradeStyle } from "./palette.js";

export interface RasterIcon {
  width: number;
  height: number;
  /** RGBA, premultiplied alpha off, row-major — what `map.addImage` accepts. */
  data: Uint8Array;
  pixelRatio: number;
}

export function checkpointIconName(grade: CheckpointGrade | ""): string {
  return `checkpoint-${grade}`;
}

function hexToRgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.replace("#", ""), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/**
 * Draws a grade marker in code (no sprite server): a disc in the grade colour with a white ring.
 * Edges are anti-aliased by coverage, so the icon stays smooth on high-DPI screens.
 */
export function drawCheckpointIcon(grade: CheckpointGrade, pixelRatio = 2): RasterIcon {
  const { color, radiusPx } = checkpointGradeStyle[grade];
  const ringPx = 2 * pixelRatio;
  const outer = radiusPx * pixelRatio;
  const size = Math.ceil(outer * 2 + 2);
  const center = size / 2;
  const fill = hexToRgb(color);
  const data = new Uint8Array(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const distance = Math.hypot(x + 0.5 - center, y + 0.5 - center);
      const alpha = clamp01(outer - distance + 0.5);
      if (alpha === 0) continue;
      // 1 inside the coloured disc, 0 on the white ring, blended across one pixel.
      const inner = clamp01(outer - ringPx - distance + 0.5);
      const offset = (y * size + x) * 4;
      data[offset] = Math.round(fill[0] * inner + 255 * (1 - inner));
      data[offset + 1] = Math.round(fill[1] * inner + 255 * (1 - inner));
      data[offset + 2] = Math.round(fill[2] * inner + 255 * (1 - inner));
      data[offset + 3] = Math.round(alpha * 255);
    }
  }
  return { width: size, height: size, data, pixelRatio };
}
