import "maplibre-gl/dist/maplibre-gl.css";
import "./styles.css";
import { prewarm, setWorkerUrl } from "maplibre-gl";
import workerUrl from "maplibre-gl/dist/maplibre-gl-worker.mjs?url";
import { startApp } from "./app.js";

// MapLibre 6 looks for its worker beside its own module file, which a bundle does not keep.
setWorkerUrl(workerUrl);
// Start MapLibre's worker now, while the app asks for its config and session: the map view then
// finds it running instead of waiting for it to load and parse its half-megabyte module.
prewarm();

const root = document.getElementById("app");
if (!root) throw new Error("index.html has no #app element");
void startApp(root);
