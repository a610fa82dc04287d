/**
 * Logs each distinct problem of a source once, and once more when it clears, instead of
 * on every beat: a monitor that is unreachable for an hour is one warning and one recovery
 * line, not 720 warnings.
 */
export class OnceLog {
  private readonly current = new Map<string, string>();

  constructor(
    private readonly warn: (msg: string) => void,
    private readonly info: (msg: string) => void,
  ) {}

  /** Reports the state of `source`: an error message, or undefined when it works. */
  report(source: string, error: string | undefined): void {
    const prev = this.current.get(source);
    if (error === undefined) {
      if (prev !== undefined) {
        this.current.delete(source);
        this.info(`${source}: ok again (was: ${prev})`);
      }
      return;
    }
    if (prev === error) return;
    this.current.set(source, error);
    this.warn(`${source}: ${error}${prev !== undefined ? ` (was: ${prev})` : ''}`);
  }

  /** Sources that currently have a problem. */
  failing(): string[] {
    return [...this.current.keys()];
  }
}
