/**
 * The sound for a high-priority incident: a short two-tone beep made with WebAudio (no audio
 * file to ship). Browsers only allow sound after a user gesture, so the context is created on
 * the first click anywhere in the view and the beep is silent until then.
 */
export class AlertSound {
  #context: AudioContext | null = null;
  #muted: boolean;
  beeps = 0;

  constructor(
    private readonly storage: Pick<Storage, "getItem" | "setItem"> | null,
    private readonly key = "gridops.alerts.muted",
  ) {
    this.#muted = readStored(storage, key) === "1";
  }

  get muted(): boolean {
    return this.#muted;
  }

  setMuted(muted: boolean): void {
    this.#muted = muted;
    try {
      this.storage?.setItem(this.key, muted ? "1" : "0");
    } catch {
      // Storage may be unavailable; the choice still applies to this page.
    }
  }

  /** Call from a user gesture so later beeps are allowed. */
  unlock(): void {
    if (this.#context || typeof AudioContext === "undefined") return;
    this.#context = new AudioContext();
  }

  beep(): void {
    if (this.#muted) return;
    this.beeps += 1;
    const context = this.#context;
    if (!context) return;
    const start = context.currentTime;
    for (const [offset, frequency] of [
      [0, 880],
      [0.18, 660],
    ] as const) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(0.2, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.001, start + offset + 0.15);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(start + offset);
      oscillator.stop(start + offset + 0.16);
    }
  }

  close(): void {
    void this.#context?.close();
    this.#context = null;
  }
}

function readStored(storage: Pick<Storage, "getItem"> | null, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null;
  }
}
