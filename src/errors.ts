/**
 * The one error class for srt's own failures. It carries the exit status the
 * `srt` command uses when it stops because of it.
 * @module
 */

/** Exit status srt uses for its own failures (bad settings, missing bubblewrap, ...). */
export const SRT_FAILURE_EXIT_CODE = 125;

/** A failure of srt itself, as opposed to a failure of the sandboxed command. */
export class SrtError extends Error {
  /** The exit status `srt` ends with because of this error. */
  readonly exitCode: number;

  /**
   * Creates an srt failure.
   * @param message A one-paragraph, sentence-case explanation saying what to do.
   * @param options `exitCode` defaults to {@link SRT_FAILURE_EXIT_CODE}.
   */
  constructor(message: string, options: { exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "SrtError";
    this.exitCode = options.exitCode ?? SRT_FAILURE_EXIT_CODE;
  }
}
