/**
 * Runs a command under a resolved policy: starts the proxy, builds the
 * platform backend's command, spawns it, forwards signals, cleans up.
 * Data flows one way: policy -> (proxy, backend) -> spawn.
 * @module
 */

import type { Policy } from "./policy.ts";
import { describePolicy, policyHasNetwork } from "./policy.ts";
import { SrtError } from "./errors.ts";
import { type ProxyServer, startProxy } from "./proxy/proxy.ts";
import type { SandboxEvent } from "./events.ts";
import { startForwarder } from "./proxy/forwarder.ts";
import { proxyEnv } from "./proxy_env.ts";
import { createRunDir, type RunDir } from "./_rundir.ts";
import { which } from "./_which.ts";
import { exitStatus, sandboxProcess, spawnChild } from "./_child.ts";
import {
  buildLinuxInvocation,
  findCommandPid,
  SANDBOX_HTTP_PORT,
  SANDBOX_SOCKS_PORT,
  withoutBinds,
} from "./linux/bwrap.ts";
import { hostArch } from "./linux/seccomp.ts";

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

/** Starts srt's proxy (or forwarders to external ones) on unix sockets in the run dir. */
export function startProxies(
  policy: Policy,
  runDir: RunDir,
  options: Pick<SpawnOptions, "onEvent" | "command">,
): { http: string; socks: string; close(): Promise<void> } {
  const servers: ProxyServer[] = [];
  const commandName = "argv" in options.command
    ? options.command.argv.join(" ")
    : options.command.shell;
  const serve = (name: string, externalPort: number | null) => {
    const path = `${runDir.path}/${name}.sock`;
    const listener = Deno.listen({ transport: "unix", path });
    servers.push(
      externalPort !== null ? startForwarder(listener, externalPort) : startProxy(listener, {
        rules: policy.network,
        command: commandName,
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      }),
    );
    return path;
  };
  const http = serve("http", policy.network.httpProxyPort);
  const socks = policy.network.httpProxyPort === null && policy.network.socksProxyPort === null
    ? http
    : serve("socks", policy.network.socksProxyPort);
  return {
    http,
    socks,
    async close() {
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}

async function spawnLinux(options: SpawnOptions): Promise<SandboxProcess> {
  const { policy } = options;
  const bwrap = which("bwrap");
  if (!bwrap) {
    throw new SrtError(
      "bubblewrap (bwrap) is not installed, and srt never runs a command unsandboxed. Install it: Debian/Ubuntu `sudo apt-get install bubblewrap`, Fedora `sudo dnf install bubblewrap`, Arch `sudo pacman -S bubblewrap`.",
    );
  }
  const network = policyHasNetwork(policy);
  const socat = network ? which("socat") : null;
  if (network && !socat) {
    throw new SrtError(
      "socat is not installed; srt needs it to bridge the sandbox's network to its proxy. Install it: Debian/Ubuntu `sudo apt-get install socat`, Fedora `sudo dnf install socat`. Nothing was run.",
    );
  }
  const sh = which("sh") ?? "/bin/sh";
  const arch = hostArch();
  if (!arch) {
    throw new SrtError(
      `srt has no seccomp filter for "${Deno.build.arch}"; it supports x86_64 and aarch64. Nothing was run.`,
    );
  }
  const argv = "argv" in options.command
    ? [...options.command.argv]
    : [which("bash") ?? sh, "-c", options.command.shell];
  const runDir = createRunDir();
  let proxies: { http: string; socks: string; close(): Promise<void> } | null = null;
  try {
    if (network) {
      proxies = startProxies(policy, runDir, options);
    }
    const inv = buildLinuxInvocation(policy, {
      bwrap,
      socat,
      sh,
      runDir: runDir.path,
      tmpDir: runDir.tmp,
      markDir: runDir.mark,
      proxySockets: proxies,
      argv,
      arch,
    });
    for (const note of inv.notes) options.notify?.(note);
    Deno.writeFileSync(inv.seccompPath, inv.seccomp, { mode: 0o600 });
    runDir.recordStubs(inv.stubs);
    const unneeded = new Set(runDir.createStubs(inv.stubs));
    if (unneeded.size > 0) inv.args = withoutBinds(inv.args, unneeded);
    const env: Record<string, string> = {
      ...(options.env ?? Deno.env.toObject()),
      TMPDIR: runDir.tmp,
    };
    if (network) {
      Object.assign(
        env,
        proxyEnv({
          http: `http://127.0.0.1:${SANDBOX_HTTP_PORT}`,
          socks: `socks5h://127.0.0.1:${SANDBOX_SOCKS_PORT}`,
          httpHostPort: `127.0.0.1:${SANDBOX_HTTP_PORT}`,
        }),
      );
    }
    env.SRT_SANDBOX = "1";
    if (options.debug) {
      options.debug(`stubs: ${JSON.stringify(inv.stubs)}`);
      options.debug(`command: ${[inv.program, ...inv.args].map(shellQuote).join(" ")}`);
    }
    const child = spawnChild(inv.program, inv.args, env, options.stdio ?? "inherit");
    const finish = async () => {
      await proxies?.close();
      runDir.cleanup();
    };
    return sandboxProcess(
      child,
      async (s) => {
        const started = exists(inv.startedMarker);
        await finish();
        const code = exitStatus(s);
        if (!started && code !== 0) {
          throw new SrtError(
            `The sandbox could not be set up (bubblewrap exited with ${code} before the command started; its message is above). If it mentions namespaces, "uid map" or "Permission denied", unprivileged user namespaces are blocked: on Ubuntu 23.10+ run \`sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0\` or install an AppArmor profile that allows bwrap to use them; elsewhere check that \`sysctl user.max_user_namespaces\` is above 0 (and \`kernel.unprivileged_userns_clone=1\` where it exists). Inside a container, try "enableWeakerNestedSandbox": true. Nothing was run.`,
          );
        }
        return code;
      },
      finish,
      (signal) => {
        // The command leads its own session (bwrap --new-session): signal its group.
        const target = findCommandPid(child.pid);
        if (target === null) return child.kill(signal);
        try {
          Deno.kill(-target, signal);
        } catch {
          Deno.kill(target, signal);
        }
      },
    );
  } catch (error) {
    await proxies?.close();
    runDir.cleanup();
    throw error;
  }
}

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Quotes an argument for display in `--debug`. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`;
}
