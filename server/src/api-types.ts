/** Types the web app shares with the server. Type-only re-exports: nothing here runs. */
export type * from "./realtime/events.js";
