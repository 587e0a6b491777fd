/**
 * Command-line parsing for `srt`: options stop at the first positional (so
 * `srt curl -s x` passes `-s` to curl) or at `--`.
 * @module
 */

import { SrtError } from "./errors.ts";

/** Permission flags in Deno's grammar, merged over the settings file. */
export interface PermissionFlags {
  /** `--allow-net=host,...`; `"all"` for a bare `--allow-net`. */
  allowNet: string[] | "all";
  /** `--deny-net=host,...`. */
  denyNet: string[];
  /** `--allow-read=path,...`. */
  allowRead: string[];
  /** `--deny-read=path,...`. */
  denyRead: string[];
  /** `--allow-write=path,...`. */
  allowWrite: string[];
  /** `--deny-write=path,...`. */
  denyWrite: string[];
  /** `--allow-unix-socket=path,...`; `"all"` for a bare `--allow-unix-socket`. */
  allowUnixSocket: string[] | "all";
}

/** What the command line asks for. */
export type Invocation =
  | { kind: "help" }
  | { kind: "version" }
  | {
    kind: "run";
    settingsPath: string | null;
    debug: boolean;
    permissions: PermissionFlags;
    /** argv to run exactly, or a shell string (`-c`). */
    command: { argv: string[] } | { shell: string };
  }
  | {
    kind: "proxy";
    settingsPath: string | null;
    debug: boolean;
    permissions: PermissionFlags;
    listen: string;
  };

/** Usage text for `srt --help`. */
export const USAGE = `srt - run a command in a sandbox with filesystem and network restrictions

Usage:
  srt [options] <command> [args...]     run argv exactly (no shell re-parsing)
  srt [options] -c '<shell string>'     run a shell string with bash (sh if there is no bash)
  srt proxy --listen 127.0.0.1:PORT     run the filtering proxy alone

Options (they end at the first argument that is not an option, or at --):
  -s, --settings <path>       settings file (default: ~/.srt-settings.json)
  -d, --debug                 print decisions and the sandbox command on stderr
  -h, --help                  show this help
  -V, --version               show the version
  --allow-net[=host,...]      allow these hosts (no list: every host)
  --deny-net=host,...         deny these hosts (beats every allow)
  --allow-read=path,...       re-open these paths inside denied areas
  --deny-read=path,...        deny reading these paths
  --allow-write=path,...      allow writing here (default: the current directory)
  --deny-write=path,...       deny writing here (beats every allow)
  --allow-unix-socket[=path,...]  allow these unix sockets (no list: all)

Exit status: the command's own; 128+N when it dies of signal N; 125 when srt
itself fails (bad settings, missing bubblewrap, ...), and then nothing ran.`;

const LIST_FLAGS = {
  "--allow-net": "allowNet",
  "--deny-net": "denyNet",
  "--allow-read": "allowRead",
  "--deny-read": "denyRead",
  "--allow-write": "allowWrite",
  "--deny-write": "denyWrite",
  "--allow-unix-socket": "allowUnixSocket",
} as const;

/** Flags that may stand without a list. */
const BARE_OK = new Set(["--allow-net", "--allow-unix-socket"]);

function usageError(message: string): SrtError {
  return new SrtError(`${message} Run "srt --help" for usage; nothing was run.`);
}

/** Parses `srt`'s arguments (without the program name). @throws {SrtError} On bad flags. */
export function parseArgs(args: readonly string[]): Invocation {
  const permissions: PermissionFlags = {
    allowNet: [],
    denyNet: [],
    allowRead: [],
    denyRead: [],
    allowWrite: [],
    denyWrite: [],
    allowUnixSocket: [],
  };
  let settingsPath: string | null = null;
  let debug = false;
  let shell: string | null = null;
  let listen: string | null = null;
  let proxyMode = false;
  let i = 0;
  const valueOf = (name: string, inline: string | undefined): string => {
    if (inline !== undefined) return inline;
    const next = args[i + 1];
    if (next === undefined) throw usageError(`Option "${name}" needs a value.`);
    i++;
    return next;
  };
  for (; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      i++;
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      if (arg === "proxy" && !proxyMode && i === firstPositionalCandidate(args)) {
        proxyMode = true;
        continue;
      }
      break;
    }
    const eq = arg.indexOf("=");
    const name = arg.startsWith("--") && eq !== -1 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith("--") && eq !== -1 ? arg.slice(eq + 1) : undefined;
    if (name === "-h" || name === "--help") return { kind: "help" };
    if (name === "-V" || name === "--version") return { kind: "version" };
    if (name === "-d" || name === "--debug") {
      if (inline !== undefined) throw usageError(`Option "${name}" takes no value.`);
      debug = true;
    } else if (name === "-s" || name === "--settings") {
      settingsPath = valueOf(name, inline);
      if (settingsPath === "") throw usageError(`Option "${name}" needs a non-empty path.`);
    } else if (name === "-c") {
      shell = valueOf(name, inline);
      i++;
      break;
    } else if (name === "--listen" && proxyMode) {
      listen = valueOf(name, inline);
    } else if (name in LIST_FLAGS) {
      const key = LIST_FLAGS[name as keyof typeof LIST_FLAGS];
      if (inline === undefined) {
        if (!BARE_OK.has(name)) {
          throw usageError(`Option "${name}" needs a list, e.g. ${name}=./build,/tmp/out.`);
        }
        permissions[key as "allowNet" | "allowUnixSocket"] = "all";
        continue;
      }
      const items = inline.split(",").map((s) => s.trim());
      if (items.some((s) => s === "")) {
        throw usageError(`Option "${arg}" has an empty entry in its list.`);
      }
      const current = permissions[key];
      if (current !== "all") (current as string[]).push(...items);
    } else {
      throw usageError(`Unknown option "${arg}".`);
    }
  }
  if (proxyMode) {
    if (listen === null) throw usageError(`"srt proxy" needs --listen 127.0.0.1:PORT.`);
    if (i < args.length || shell !== null) throw usageError(`"srt proxy" takes no command.`);
    return { kind: "proxy", settingsPath, debug, permissions, listen };
  }
  const rest = args.slice(i);
  if (shell !== null) {
    if (rest.length > 0) {
      throw usageError(
        `"-c" takes one shell string; found extra arguments starting with "${rest[0]}".`,
      );
    }
    return { kind: "run", settingsPath, debug, permissions, command: { shell } };
  }
  if (rest.length === 0) throw usageError("No command given.");
  return { kind: "run", settingsPath, debug, permissions, command: { argv: [...rest] } };
}

/** `proxy` is the subcommand only when it is the first non-option word. */
function firstPositionalCandidate(args: readonly string[]): number {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "-s" || a === "--settings") {
      i++;
      continue;
    }
    if (!a.startsWith("-")) return i;
    if (a === "--") return -1;
  }
  return -1;
}
