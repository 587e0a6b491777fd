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
  /** The `log` program (tests use a stand-in). Default `/usr/bin/log`. */
  readonly logCommand?: string;
}

/**
 * Parses the lines of one log event: a `Sandbox: curl(4242) deny(1)
 * file-read-data /Users/a/.ssh/id_rsa` line, with the run's tag (the profile's
 * denial message) on the same or a following line. Null for events that are
 * not denials of this run.
 */
export function parseViolation(text: string, tag: string, command: string): ViolationEvent | null {
  if (!text.includes(tag)) return null;
  for (const line of text.split("\n")) {
    const m = /Sandbox: ([^(]+)\((\d+)\) deny\(\d+\) (\S+)(?: (.*))?$/.exec(line.trim());
    if (!m) continue;
    const target = m[4]?.split(tag).join("").trim();
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
  return null;
}

/** Denials every run causes that say nothing about the command (name lookups, diagnostics). */
export function isNoise(event: ViolationEvent): boolean {
  const target = event.path ?? "";
  return event.operation === "mach-lookup" &&
    /mDNSResponder|com\.apple\.(diagnosticd|analyticsd)/.test(target);
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
    child = new Deno.Command(options.logCommand ?? "/usr/bin/log", {
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
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const done = (async () => {
    let buffer = "";
    let pending: string[] = [];
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) break;
      buffer += value;
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) {
        // An event's lines end with the one that carries the tag.
        pending.push(line);
        if (!line.includes(options.tag)) {
          if (pending.length > 8) pending = pending.slice(-8);
          continue;
        }
        const event = parseViolation(pending.join("\n"), options.tag, options.command);
        pending = [];
        if (event && !isNoise(event) && !isIgnored(event, options.ignore)) options.onEvent(event);
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
      await reader.cancel().catch(() => {});
      await done;
      await child.status;
    },
  };
}
