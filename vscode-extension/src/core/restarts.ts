// When the server process ends unexpectedly: restart it a few times, then stop and say so.
// Plain module: no `vscode` import.

export class RestartPolicy {
  private readonly times: number[] = [];

  constructor(
    private readonly maxRestarts = 3,
    private readonly windowMs = 3 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Call when the connection closed without being asked to. True means "start it again". */
  shouldRestart(): boolean {
    const t = this.now();
    while (this.times.length > 0 && t - this.times[0] > this.windowMs) {
      this.times.shift();
    }
    if (this.times.length >= this.maxRestarts) {
      return false;
    }
    this.times.push(t);
    return true;
  }

  /** Call after a restart the person asked for, so earlier crashes no longer count. */
  reset(): void {
    this.times.length = 0;
  }
}
