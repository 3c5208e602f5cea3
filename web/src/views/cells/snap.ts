export type LngLat = readonly [number, number];
export type ScreenPoint = { x: number; y: number };
export type Project = (lng: number, lat: number) => ScreenPoint;

/** A straight edge of a neighbouring cell's boundary, in longitude/latitude. */
export type Edge = readonly [LngLat, LngLat];

/** Every edge of every ring of these polygons (the neighbours a new boundary should follow). */
export function edgesOf(geometries: readonly (GeoJSON.Polygon | GeoJSON.MultiPolygon)[]): Edge[] {
  const edges: Edge[] = [];
  for (const geometry of geometries) {
    const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
    for (const rings of polygons) {
      for (const ring of rings) {
        for (let i = 1; i < ring.length; i += 1) {
          const a = ring[i - 1];
          const b = ring[i];
          if (a && b)
            edges.push([
              [a[0] ?? 0, a[1] ?? 0],
              [b[0] ?? 0, b[1] ?? 0],
            ]);
        }
      }
    }
  }
  return edges;
}

/**
 * Where a pointer at `pointer` should land: a neighbour's vertex if one is within `tolerancePx`
 * on screen, else the nearest point on a neighbour's edge within the tolerance, else nothing.
 * Vertices win over edges so shared corners come out identical, which is what makes two
 * cells meet without a gap or an overlap. Measured in screen pixels, so it feels the same at
 * every zoom; the snapped point is interpolated in lon/lat along the edge.
 */
export function snapToEdges(
  pointer: ScreenPoint,
  edges: readonly Edge[],
  project: Project,
  tolerancePx: number,
): LngLat | undefined {
  let bestVertex: { at: LngLat; distance: number } | undefined;
  let bestEdge: { at: LngLat; distance: number } | undefined;
  for (const [a, b] of edges) {
    const pa = project(a[0], a[1]);
    const pb = project(b[0], b[1]);
    for (const [vertex, screen] of [
      [a, pa],
      [b, pb],
    ] as const) {
      const distance = Math.hypot(screen.x - pointer.x, screen.y - pointer.y);
      if (distance <= tolerancePx && (!bestVertex || distance < bestVertex.distance)) {
        bestVertex = { at: vertex, distance };
      }
    }
    const dx = pb.x - pa.x;
    const dy = pb.y - pa.y;
    const lengthSquared = dx * dx + dy * dy;
    if (lengthSquared === 0) continue;
    const t = Math.max(0, Math.min(1, ((pointer.x - pa.x) * dx + (pointer.y - pa.y) * dy) / lengthSquared));
    const distance = Math.hypot(pa.x + t * dx - pointer.x, pa.y + t * dy - pointer.y);
    if (distance <= tolerancePx && (!bestEdge || distance < bestEdge.distance)) {
      bestEdge = { at: [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])], distance };
    }
  }
  return bestVertex?.at ?? bestEdge?.at;
}
