/**
 * The macOS runner: srt's proxy on 127.0.0.1 (with a per-run credential, the
 * only network the profile allows), a generated profile, and
 * `/usr/bin/sandbox-exec -p <profile> -D … <argv>`, always by that absolute
 * path. Denials are read back from the system log by {@link startViolationMonitor}.
 * @module
 */

import type { SandboxProcess, SpawnOptions } from "../sandbox.ts";
import { startProxy } from "../proxy/proxy.ts";
import { newCredential } from "../proxy/standalone.ts";
import { proxyEnv } from "../proxy_env.ts";
import { createRunDir } from "../_rundir.ts";
import { policyHasNetwork } from "../policy.ts";
import { generateSeatbeltProfile } from "./profile.ts";
import { startViolationMonitor } from "./violations.ts";
import { SrtError } from "../errors.ts";
import { exitStatus, sandboxProcess, spawnChild } from "../_child.ts";

/** The one sandbox-exec srt runs. */
export const SANDBOX_EXEC = "/usr/bin/sandbox-exec";

/** Internal knobs for tests on Linux (a fake sandbox-exec, no `log stream`). */
export interface MacosRunnerInternals {
  /** Path of sandbox-exec. */
  readonly sandboxExec?: string;
  /** Start the `log stream` violation monitor. Default: on macOS only. */
  readonly monitor?: boolean;
}

/** Starts the command under sandbox-exec. */
export async function spawnMacos(
  options: SpawnOptions,
  internals: MacosRunnerInternals = {},
): Promise<SandboxProcess> {
  const { policy } = options;
  const sandboxExec = internals.sandboxExec ?? SANDBOX_EXEC;
  try {
    Deno.statSync(sandboxExec);
  } catch {
    throw new SrtError(
      `"${sandboxExec}" was not found; srt needs macOS's sandbox-exec. Nothing was run.`,
    );
  }
  const argv = "argv" in options.command
    ? [...options.command.argv]
    : ["/bin/bash", "-c", options.command.shell];
  const runDir = createRunDir();
  const tag = `srt-${runDir.path.split("-").pop()}`;
  const credential = newCredential();
  const closers: Array<() => Promise<void> | void> = [() => runDir.cleanup()];
  const cleanup = async () => {
    for (const c of closers.reverse()) await c();
  };
  try {
    const env: Record<string, string> = {
      ...(options.env ?? Deno.env.toObject()),
      TMPDIR: runDir.tmp,
      SRT_SANDBOX: "1",
    };
    const ports: number[] = [];
    if (policyHasNetwork(policy)) {
      const commandName = argv.join(" ");
      const serve = (external: number | null) => {
        if (external !== null) return external;
        const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
        const server = startProxy(listener, {
          rules: policy.network,
          credential,
          command: commandName,
          ...(options.onEvent ? { onEvent: options.onEvent } : {}),
        });
        closers.push(() => server.close());
        return (listener.addr as Deno.NetAddr).port;
      };
      const httpPort = serve(policy.network.httpProxyPort);
      const socksPort = policy.network.socksProxyPort ??
        (policy.network.httpProxyPort === null ? httpPort : serve(null));
      ports.push(...new Set([httpPort, socksPort]));
      const auth = (own: boolean) => (own ? `${credential.username}:${credential.password}@` : "");
      Object.assign(
        env,
        proxyEnv({
          http: `http://${auth(policy.network.httpProxyPort === null)}127.0.0.1:${httpPort}`,
          socks: `socks5h://${auth(policy.network.socksProxyPort === null)}127.0.0.1:${socksPort}`,
          httpHostPort: `127.0.0.1:${httpPort}`,
        }),
      );
      env.GIT_SSH_COMMAND =
        `ssh -o ProxyCommand='/usr/bin/nc -X connect -x 127.0.0.1:${httpPort} %h %p'`;
    }
    const { profile, params } = generateSeatbeltProfile(policy, {
      proxyPorts: ports,
      tmpDir: runDir.tmp,
      tag,
    });
    const args = [
      "-p",
      profile,
      ...Object.entries(params).flatMap(([k, v]) => ["-D", `${k}=${v}`]),
      ...argv,
    ];
    if (options.debug) {
      options.debug(`profile:\n${profile}`);
      options.debug(`params: ${JSON.stringify(params)}`);
    }
    if (internals.monitor ?? Deno.build.os === "darwin") {
      const monitor = startViolationMonitor({
        tag,
        command: argv.join(" "),
        ignore: policy.ignoreViolations,
        onEvent: (e) => options.onEvent?.(e),
      });
      closers.push(() => monitor.close());
    }
    const child = spawnChild(sandboxExec, args, env, options.stdio ?? "inherit");
    return sandboxProcess(
      child,
      async (s) => {
        await cleanup();
        return exitStatus(s);
      },
      cleanup,
      (signal) => child.kill(signal),
    );
  } catch (error) {
    await cleanup();
    throw error;
  }
}
