/**
 * Runs server restarts one at a time. A restart asked for while one runs is
 * queued, and any number of such requests collapse into one queued restart:
 * a burst of setting changes restarts the server at most twice.
 * Pure logic without `vscode`, covered by unit tests.
 */

export class RestartQueue {
  private running: Promise<void> | undefined;
  private queued = false;

  constructor(
    private readonly restartOnce: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Ask for a restart; resolves once a restart begun after this call has ended. */
  request(): Promise<void> {
    if (this.running) {
      this.queued = true;
      return this.running;
    }
    this.running = this.drain();

    return this.running;
  }

  private async drain(): Promise<void> {
    try {
      do {
        this.queued = false;
        await this.restartOnce().catch(this.onError);
      } while (this.queued);
    } finally {
      this.running = undefined;
    }
  }
}
