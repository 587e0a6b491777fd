/**
 * Exit status of a finished child: its own code, or 128+N for signal N.
 * @module
 */

const SIGNAL_NUMBERS: Partial<Record<Deno.Signal, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGABRT: 6,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
};

/** The shell convention for a child's status. */
export function exitStatus(status: Deno.CommandStatus): number {
  return status.signal ? 128 + (SIGNAL_NUMBERS[status.signal] ?? 0) : status.code;
}
