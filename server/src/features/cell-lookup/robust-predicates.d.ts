// robust-predicates ships no type declarations; only the function used here is declared.
declare module "robust-predicates" {
  /** Twice the signed area of triangle abc, exactly signed: negative when a, b, c run counter-clockwise. */
  export function orient2d(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number;
}
