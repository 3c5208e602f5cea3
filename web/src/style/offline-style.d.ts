// Provided by web/build/offline-style.ts: gis-data/style/offline-style.json, parsed.
declare module "virtual:gridops/offline-style" {
  const style: unknown;
  export default style;
}
