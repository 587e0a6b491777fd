/**
 * Runs a command under a resolved policy on the platform's backend
 * (`linux/runner.ts`, `macos/runner.ts`): they start the proxy, build the
 * sandboxed command, spawn it, forward signals and clean up.
 * Data flows one way: policy -> (proxy, backend) -> spawn.
 * @module
 */

import type { Policy } from "./policy.ts";
import { describePolicy } from "./policy.ts";
import { SrtError } from "./errors.ts";
import type { SandboxEvent } from "./events.ts";
import { spawnLinux } from "./linux/runner.ts";

/** What to run. */
export type SandboxCommand = { readonly argv: readonly string[] } | { readonly shell: string };

/** Options of {@link spawnSandboxed}. */
export interface SpawnOptions {
  /** The resolved policy. */
  readonly policy: Policy;
  /** argv to run exactly, or a shell string for `bash -c` (`sh -c` where bash is missing). */
  readonly command: SandboxCommand;
  /** Environment for the command; defaults to srt's own. Proxy variables and TMPDIR are added. */
  readonly env?: Readonly<Record<string, string>>;
  /** stdout/stderr of the command (stdin is `"null"` when `"piped"`). Default `"inherit"`. */
  readonly stdio?: "inherit" | "piped" | "null";
  /** Receives every network decision of the proxy and (macOS) every denial. */
  readonly onEvent?: (event: SandboxEvent) => void;
  /** Receives debug lines (policy, generated command). */
  readonly debug?: (line: string) => void;
  /** Receives notes the user should see (e.g. a glob bound was hit). */
  readonly notify?: (line: string) => void;
}

/** A running sandboxed command. */
export interface SandboxProcess {
  /** pid of the host-side process srt spawned. */
  readonly pid: number;
  /** The underlying child (its stdout/stderr streams when `stdio: "piped"`). */
  readonly child: Deno.ChildProcess;
  /**
   * Resolves to the exit status: the command's own, or 128+N when it died of
   * signal N. Rejects with {@link SrtError} when the sandbox could not be set up.
   */
  readonly status: Promise<number>;
  /** Sends a signal to the sandboxed command (its process group). */
  kill(signal?: Deno.Signal): void;
}

/** Starts the command in the sandbox. @throws {SrtError} When the platform or its tools are missing. */
export async function spawnSandboxed(options: SpawnOptions): Promise<SandboxProcess> {
  if (options.debug) {
    options.debug(`policy: ${describePolicy(options.policy)}`);
    if (options.policy.network.allowAll) {
      options.debug(
        "WARNING: --allow-net without a list: every host is reachable (deny rules still apply)",
      );
    }
  }
  if (Deno.build.os === "linux") return await spawnLinux(options);
  if (Deno.build.os === "darwin") {
    const { spawnMacos } = await import("./macos/runner.ts");
    return await spawnMacos(options);
  }
  throw new SrtError(
    `srt does not support "${Deno.build.os}": it runs on Linux (bubblewrap) and macOS (sandbox-exec). Nothing was run.`,
  );
}

/** Runs the command to completion and returns its exit status. */
export async function runSandboxed(options: SpawnOptions): Promise<number> {
  const p = await spawnSandboxed(options);
  return await p.status;
}
