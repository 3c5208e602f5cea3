/**
 * Where this client is in the server's event stream. Sequence numbers are global across rooms,
 * so a client sees gaps (events for rooms it is not in); what matters is that it never applies
 * an event at or below the last one it applied. Catch-up after a reconnect can resend events
 * the client already got live, and this is what drops them.
 */
export class SeqTracker {
  #last: number | null = null;

  /** The last seq applied or the live position announced by the server; null before either. */
  get last(): number | null {
    return this.#last;
  }

  /** True (and remembers the seq) if the event is new; false if it was already seen. */
  accept(seq: number): boolean {
    if (this.#last !== null && seq <= this.#last) return false;
    this.#last = seq;
    return true;
  }

  /**
   * The server's `ready` position: the stream continues after it. Moves forward only, so a
   * `ready` after a catch-up never rewinds past events applied during it.
   */
  advanceTo(position: number): void {
    if (this.#last === null || position > this.#last) this.#last = position;
  }

  /** After `resync_required`, the old position is meaningless: continue from the server's. */
  resetTo(position: number): void {
    this.#last = position;
  }
}
