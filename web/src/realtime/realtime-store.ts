import type {
  ClientToServerEvents,
  EventTopic,
  HandshakeAuth,
  RealtimeEvent,
  ResyncRequired,
  RoomName,
  ServerToClientEvents,
} from "@gridops/server/api-types";
import { io, type Socket } from "socket.io-client";
import { SeqTracker } from "./seq-tracker.js";

export type { EventTopic, RealtimeEvent, RoomName };
export type RealtimeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** Connection state shown in the header and used by views to pause or reload. */
export type ConnectionStatus = "connecting" | "live" | "reconnecting" | "refused" | "stopped";

export type TopicListener<T extends EventTopic> = (event: RealtimeEvent<T>) => void;

// The topics the store listens to; the web cannot import the server's runtime topic list
// (api-types is type-only), so the compiler checks this one against the event map instead.
const TOPICS = {
  "incident.created": true,
  "incident.updated": true,
  "camera.status": true,
  "hotlist.hit": true,
  "report.filed": true,
  "report.missing": true,
  "report.reminder": true,
  "cell.changed": true,
  "checkpoint.flow": true,
} as const satisfies Record<EventTopic, true>;
/** How long a view waits for the live stream before loading over HTTP anyway. */
export const READY_TIMEOUT_MS = 5000;

export const REALTIME_TOPICS = Object.keys(TOPICS) as EventTopic[];

export interface RealtimeStoreOptions {
  /** Builds the socket; the default connects to this page's origin over WebSocket with the session cookie. */
  createSocket?: (auth: (cb: (auth: HandshakeAuth) => void) => void) => RealtimeSocket;
}

function defaultSocket(auth: (cb: (data: HandshakeAuth) => void) => void): RealtimeSocket {
  return io({
    transports: ["websocket"],
    autoConnect: false,
    // A function, so every reconnect sends the current lastSeq and the server replays what we missed.
    auth: auth as (cb: (data: object) => void) => void,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
}

/**
 * The one Socket.IO connection of the app. Views subscribe per topic (`subscribe`), get each
 * event once and in order, and hear about resyncs (`onResync`) so they can reload over HTTP.
 */
export class RealtimeStore {
  readonly #seq = new SeqTracker();
  readonly #listeners = new Map<EventTopic, Set<(event: RealtimeEvent) => void>>();
  readonly #statusListeners = new Set<(status: ConnectionStatus) => void>();
  readonly #resyncListeners = new Set<(info: ResyncRequired) => void>();
  readonly #readyWaiters = new Set<() => void>();
  readonly #extraRooms = new Set<RoomName>();
  readonly #createSocket: NonNullable<RealtimeStoreOptions["createSocket"]>;
  #socket: RealtimeSocket | null = null;
  #status: ConnectionStatus = "stopped";
  #refusal: string | null = null;

  constructor(options: RealtimeStoreOptions = {}) {
    this.#createSocket = options.createSocket ?? defaultSocket;
  }

  get status(): ConnectionStatus {
    return this.#status;
  }

  /** The machine code of the last refused handshake ("unauthenticated", …), if any. */
  get refusal(): string | null {
    return this.#refusal;
  }

  get lastSeq(): number | null {
    return this.#seq.last;
  }

  /** Opens the connection (once); events start flowing after the server's `ready`. */
  start(): void {
    if (this.#socket) return;
    const socket = this.#createSocket((cb) => cb(this.#handshakeAuth()));
    this.#socket = socket;
    for (const topic of REALTIME_TOPICS) {
      // One generic handler for every topic: the payload type is per topic, the bookkeeping is not.
      (socket.on as (topic: string, fn: (event: RealtimeEvent) => void) => void)(topic, (event) =>
        this.deliver(event),
      );
    }
    socket.on("ready", (info) => {
      this.#seq.advanceTo(info.position);
      this.#setStatus("live");
      for (const resolve of this.#readyWaiters) resolve();
      this.#readyWaiters.clear();
    });
    socket.on("resync_required", (info) => {
      this.#seq.resetTo(info.position);
      for (const listener of this.#resyncListeners) listener(info);
    });
    socket.on("disconnect", () => {
      if (this.#status !== "stopped") this.#setStatus("reconnecting");
    });
    socket.on("connect_error", (error: Error & { data?: { code?: string } }) => {
      this.#refusal = error.data?.code ?? null;
      // A refused handshake (bad session) will not fix itself; a network error will be retried.
      this.#setStatus(socket.active ? "reconnecting" : "refused");
    });
    this.#setStatus("connecting");
    socket.connect();
  }

  stop(): void {
    this.#setStatus("stopped");
    this.#socket?.removeAllListeners();
    this.#socket?.disconnect();
    this.#socket = null;
  }

  /**
   * Resolves true once the stream is live (at once if it already is), or false after
   * `timeoutMs` so a view can still load over HTTP while the connection is down.
   */
  ready(timeoutMs = Number.POSITIVE_INFINITY): Promise<boolean> {
    if (this.#status === "live") return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = Number.isFinite(timeoutMs)
        ? setTimeout(() => {
            this.#readyWaiters.delete(done);
            resolve(false);
          }, timeoutMs)
        : undefined;
      this.#readyWaiters.add(done);
    });
  }

  /**
   * Calls `listener` for every new event of `topic`, in seq order, never twice for one seq.
   * Returns the unsubscribe function.
   */
  subscribe<T extends EventTopic>(topic: T, listener: TopicListener<T>): () => void {
    let set = this.#listeners.get(topic);
    if (!set) {
      set = new Set();
      this.#listeners.set(topic, set);
    }
    const untyped = listener as (event: RealtimeEvent) => void;
    set.add(untyped);
    return () => set.delete(untyped);
  }

  /** Subscribes one listener to several topics; returns one unsubscribe for all of them. */
  subscribeMany<T extends EventTopic>(topics: readonly T[], listener: (event: RealtimeEvent<T>) => void) {
    const offs = topics.map((topic) => this.subscribe(topic, listener as TopicListener<T>));
    return () => {
      for (const off of offs) off();
    };
  }

  onStatus(listener: (status: ConnectionStatus) => void): () => void {
    this.#statusListeners.add(listener);
    return () => this.#statusListeners.delete(listener);
  }

  /** The server could not replay what was missed: reload state over HTTP, then continue live. */
  onResync(listener: (info: ResyncRequired) => void): () => void {
    this.#resyncListeners.add(listener);
    return () => this.#resyncListeners.delete(listener);
  }

  /** Joins a room beyond the defaults (the user's cells and roles); kept across reconnects. */
  async join(room: RoomName): Promise<void> {
    this.#extraRooms.add(room);
    const socket = this.#socket;
    if (!socket?.connected) return;
    const result = await socket.timeout(5000).emitWithAck("join", { room });
    if (!result.ok) throw new RealtimeRefused(result.error.code, result.error.message);
  }

  /** Applies one event from the wire: dropped if already seen, else handed to its topic's listeners. */
  deliver(event: RealtimeEvent): void {
    if (!this.#seq.accept(event.seq)) return;
    for (const listener of this.#listeners.get(event.topic) ?? []) {
      try {
        listener(event);
      } catch (error) {
        // One view's bug must not stop the others from getting the event.
        console.error(`realtime listener for ${event.topic} failed`, error);
      }
    }
  }

  #handshakeAuth(): HandshakeAuth {
    const auth: HandshakeAuth = {};
    const last = this.#seq.last;
    if (last !== null) auth.lastSeq = last;
    if (this.#extraRooms.size > 0) auth.rooms = [...this.#extraRooms];
    return auth;
  }

  #setStatus(status: ConnectionStatus): void {
    if (status === this.#status) return;
    this.#status = status;
    for (const listener of this.#statusListeners) listener(status);
  }
}

/** The server refused a join or catch-up request. */
export class RealtimeRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "RealtimeRefused";
  }
}
