/**
 * The `srt` command: `srt [options] <command> [args...]`.
 *
 * Process state (argv, exit status, signals) is handled here only.
 * @module
 */

import { parseArgs, USAGE } from "./src/flags.ts";
import { SRT_FAILURE_EXIT_CODE, SrtError } from "./src/errors.ts";
import { defaultSettingsPath, loadSettings } from "./src/settings.ts";
import { describePolicy, resolvePolicy } from "./src/policy.ts";
import { spawnSandboxed } from "./src/sandbox.ts";
import { formatEvent } from "./src/events.ts";
import { VERSION } from "./src/version.ts";

async function main(args: string[]): Promise<number> {
  const invocation = parseArgs(args);
  if (invocation.kind === "help") {
    console.log(USAGE);
    return 0;
  }
  if (invocation.kind === "version") {
    console.log(`srt ${VERSION}`);
    return 0;
  }
  const home = Deno.env.get("HOME") ?? "/";
  const explicit = invocation.settingsPath !== null;
  const named = invocation.settingsPath;
  const settingsPath = named === null
    ? defaultSettingsPath(home)
    : named === "~" || named.startsWith("~/")
    ? home + named.slice(1)
    : named;
  const loaded = loadSettings(settingsPath, { explicit });
  for (const w of loaded.warnings) console.error(`srt: warning: ${w}`);
  const policy = resolvePolicy({ settings: loaded.settings, flags: invocation.permissions, home });
  const debug = invocation.debug ? (line: string) => console.error(`srt: ${line}`) : undefined;
  debug?.(`settings: ${loaded.path ?? "none (built-in defaults)"}`);

  if (invocation.kind === "proxy") {
    const { runStandaloneProxy } = await import("./src/proxy/standalone.ts");
    const server = runStandaloneProxy(policy, invocation.listen, {
      onEvent: (e) => console.error(formatEvent(e)),
      announce: (line) => console.error(line),
    });
    if (debug) debug(`policy: ${describePolicy(policy)}`);
    await new Promise<void>((resolve) => {
      for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        Deno.addSignalListener(sig, () => resolve());
      }
    });
    await server.close();
    return 0;
  }

  const child = await spawnSandboxed({
    policy,
    command: invocation.command,
    debug,
    notify: (line) => console.error(line),
    onEvent: debug ? (e) => console.error(formatEvent(e)) : undefined,
  });
  for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    Deno.addSignalListener(sig, () => child.kill(sig));
  }
  return await child.status;
}

if (import.meta.main) {
  let code: number;
  try {
    code = await main(Deno.args);
  } catch (error) {
    if (error instanceof SrtError) {
      console.error(`srt: ${error.message}`);
      code = error.exitCode;
    } else {
      console.error(
        `srt: internal error, nothing more was run: ${(error as Error)?.stack ?? error}`,
      );
      code = SRT_FAILURE_EXIT_CODE;
    }
  }
  Deno.exit(code);
}
