/** One action at a time (a ticket move, a replay, a review): clicks while one runs are ignored. */
export interface BusyAction {
  /** True while an action runs; its buttons render disabled. */
  readonly busy: boolean;
  /** Runs `action` unless another is still running. */
  run(action: () => Promise<unknown>): Promise<void>;
}

export interface BusyActionHooks {
  /** Busy has just become true: clear the last error and redraw. */
  started(): void;
  /** The action threw: keep the message to show. */
  failed(failure: unknown): void;
  /** Busy is false again, after success or failure: reload or redraw. */
  finished(): void;
}

export function busyAction(hooks: BusyActionHooks): BusyAction {
  let busy = false;
  return {
    get busy() {
      return busy;
    },
    async run(action) {
      if (busy) return;
      busy = true;
      hooks.started();
      try {
        await action();
      } catch (failure) {
        hooks.failed(failure);
      } finally {
        busy = false;
      }
      hooks.finished();
    },
  };
}
