/**
 * Reads Seatbelt denials of one run from the macOS unified log
 * (`log stream` with a predicate on the run's tag) and turns them into
 * sandbox events, honouring `ignoreViolations`.
 * @module
 */

import type { ViolationEvent } from "../events.ts";

/** Options of {@link startViolationMonitor}. */
export interface ViolationMonitorOptions {
  /** The per-run tag the profile puts in every denial. */
  readonly tag: string;
  /** The command, for events and `ignoreViolations` matching. */
  readonly command: string;
  /** Command pattern (`*` for all) to path prefixes whose denials are not reported. */
  readonly ignore: Readonly<Record<string, readonly string[]>>;
  /** Receives each denial. */
  readonly onEvent: (event: ViolationEvent) => void;
}

/**
 * Parses one log line such as
 * `… Sandbox: curl(4242) deny(1) file-read-data /Users/a/.ssh/id_rsa` … `srt-TAG`.
 * Null for lines that are not denials of this run.
 */
export function parseViolationLine(
  line: string,
  tag: string,
  command: string,
): ViolationEvent | null {
  if (!line.includes(tag)) return null;
  const m = /Sandbox: ([^(]+)\((\d+)\) deny\(\d+\) (\S+)(?: (.+?))?(?: \(?srt-[0-9a-f]+\)?)?$/.exec(
    line.trim(),
  );
  if (!m) return null;
  const target = m[4]?.replace(/\s*srt-[0-9a-f]+\s*$/, "").trim();
  return {
    kind: "violation",
    time: new Date(),
    process: m[1].trim(),
    pid: Number(m[2]),
    operation: m[3],
    ...(target ? { path: target } : {}),
    command,
  };
}

/** Whether `ignoreViolations` silences this event. */
export function isIgnored(
  event: ViolationEvent,
  ignore: Readonly<Record<string, readonly string[]>>,
): boolean {
  if (!event.path) return false;
  return Object.entries(ignore).some(([pattern, paths]) =>
    (pattern === "*" || event.command.includes(pattern)) &&
    paths.some((p) => event.path === p || event.path!.startsWith(p.endsWith("/") ? p : p + "/"))
  );
}

/** Starts `log stream`; returns a handle to stop it. */
export function startViolationMonitor(
  options: ViolationMonitorOptions,
): { close(): Promise<void> } {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command("/usr/bin/log", {
      args: [
        "stream",
        "--style",
        "compact",
        "--predicate",
        `eventMessage ENDSWITH "${options.tag}"`,
      ],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
  } catch {
    return { close: async () => {} };
  }
  const done = (async () => {
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) break;
      buffer += value;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        const event = parseViolationLine(line, options.tag, options.command);
        if (event && !isIgnored(event, options.ignore)) options.onEvent(event);
      }
    }
  })();
  return {
    async close() {
      try {
        child.kill("SIGTERM");
      } catch {
        // gone
      }
      await done;
      await child.status;
    },
  };
}
