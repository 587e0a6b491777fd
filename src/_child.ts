/**
 * The handle around a spawned sandbox child, shared by the backends: exit
 * status (its own code, or 128+N for signal N), cleanup, signals.
 * @module
 */

import type { SandboxProcess } from "./sandbox.ts";

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

/** Spawns the host-side program with exactly `env`; `"piped"` means stdout/stderr piped and no stdin. */
export function spawnChild(
  program: string,
  args: string[],
  env: Record<string, string>,
  stdio: "inherit" | "piped" | "null",
): Deno.ChildProcess {
  return new Deno.Command(program, {
    args,
    env,
    clearEnv: true,
    stdin: stdio === "piped" ? "null" : stdio,
    stdout: stdio,
    stderr: stdio,
  }).spawn();
}

/**
 * Wraps a spawned child. `settle` runs once when it exits (clean up, then
 * return the status or throw); `cleanup` runs instead if waiting fails;
 * `signal` delivers a signal to the sandboxed command.
 */
export function sandboxProcess(
  child: Deno.ChildProcess,
  settle: (status: Deno.CommandStatus) => Promise<number>,
  cleanup: () => Promise<void>,
  signal: (signal: Deno.Signal) => void,
): SandboxProcess {
  const status = child.status.then(settle, async (error) => {
    await cleanup();
    throw error;
  });
  return {
    pid: child.pid,
    child,
    status,
    kill(sig: Deno.Signal = "SIGTERM") {
      try {
        signal(sig);
      } catch {
        // already gone
      }
    },
  };
}
