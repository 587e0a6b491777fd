/**
 * The Linux runner: srt's proxy on unix sockets in the run directory, the
 * bubblewrap invocation, stubs, spawn, signal forwarding and clean-up.
 * @module
 */

import type { Policy } from "../policy.ts";
import { policyHasNetwork } from "../policy.ts";
import { SrtError } from "../errors.ts";
import { type ProxyServer, startProxy } from "../proxy/proxy.ts";
import { startForwarder } from "../proxy/forwarder.ts";
import { proxyEnv } from "../proxy_env.ts";
import { createRunDir, type RunDir } from "../_rundir.ts";
import { which } from "../_which.ts";
import { exitStatus, sandboxProcess, spawnChild } from "../_child.ts";
import type { SandboxProcess, SpawnOptions } from "../sandbox.ts";
import { shellQuote } from "../_shell_quote.ts";
import {
  buildLinuxInvocation,
  findCommandPid,
  SANDBOX_HTTP_PORT,
  SANDBOX_SOCKS_PORT,
  withoutBinds,
} from "./bwrap.ts";
import { hostArch } from "./seccomp.ts";

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

/** Starts the command under bubblewrap. @throws {SrtError} When bwrap or socat is missing. */
export async function spawnLinux(options: SpawnOptions): Promise<SandboxProcess> {
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
