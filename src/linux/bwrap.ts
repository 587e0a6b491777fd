/**
 * The bubblewrap invocation for a resolved policy.
 *
 * An outer bwrap sets up new user, mount, PID, network, IPC and UTS
 * namespaces and the mounts, and runs a small script: with network it starts
 * two socat relays (127.0.0.1:3128 and :1080 inside the sandbox's own network
 * namespace, to srt's proxy over a unix socket); then it execs an inner bwrap
 * that puts the command in a user namespace of its own and applies the
 * seccomp filter (which forbids unix sockets) to the command only.
 * @module
 */

import type { Policy } from "../policy.ts";
import { planMounts } from "./mounts.ts";
import { buildSeccompFilter, type SeccompArch } from "./seccomp.ts";

/** Ports the proxy relays listen on inside the sandbox. */
export const SANDBOX_HTTP_PORT = 3128;
/** SOCKS5 port inside the sandbox. */
export const SANDBOX_SOCKS_PORT = 1080;

/** What {@link buildLinuxInvocation} needs besides the policy. */
export interface LinuxInvocationOptions {
  /** Absolute path of bwrap. */
  readonly bwrap: string;
  /** Absolute path of socat (needed with network). */
  readonly socat: string | null;
  /** Absolute path of sh. */
  readonly sh: string;
  /** The run directory (private, writable inside). */
  readonly runDir: string;
  /** The private TMPDIR. */
  readonly tmpDir: string;
  /** Where the "started" marker is written from inside. */
  readonly markDir: string;
  /** Unix sockets of the HTTP and SOCKS5 proxies (may be the same), or null for no network. */
  readonly proxySockets: { readonly http: string; readonly socks: string } | null;
  /** The argv to run inside. */
  readonly argv: readonly string[];
  /** Seccomp target. */
  readonly arch: SeccompArch;
}

/** A ready-to-spawn invocation. */
export interface LinuxInvocation {
  /** Program and arguments for the host-side spawn. */
  readonly program: string;
  /** Arguments. */
  args: string[];
  /** The seccomp program to write to `seccompPath` before spawning. */
  readonly seccomp: Uint8Array;
  /** Where the seccomp program must be written. */
  readonly seccompPath: string;
  /** Written inside the sandbox just before the command starts. */
  readonly startedMarker: string;
  /** Mount-point stubs to create first and remove after. */
  readonly stubs: string[];
  /** Notes for stderr. */
  readonly notes: string[];
}

const RELAY_SCRIPT = `s=$1; t=$2; b=$3; f=$4; shift 4
"$b" TCP-LISTEN:${SANDBOX_HTTP_PORT},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:"$s" </dev/null >/dev/null 2>&1 &
"$b" TCP-LISTEN:${SANDBOX_SOCKS_PORT},bind=127.0.0.1,fork,reuseaddr UNIX-CONNECT:"$t" </dev/null >/dev/null 2>&1 &
exec "$@" 3<"$f"`;

/**
 * Inside, last: with network, wait (without forking) until both relays
 * listen, so the command's first connection never races them; then mark
 * "started" and exec the command exactly. The wait runs here rather than
 * before the inner bwrap so that socat's start-up overlaps bwrap's.
 */
const START_WITH_RELAYS = `h=0; k=0; n=0
while [ $((h + k)) -lt 2 ] && [ $n -lt 200000 ]; do
  n=$((n + 1)); h=0; k=0
  while read -r _ l _ st _; do
    case "$l $st" in "0100007F:${hex(SANDBOX_HTTP_PORT)} 0A") h=1 ;; "0100007F:${
  hex(SANDBOX_SOCKS_PORT)
} 0A") k=1 ;; esac
  done </proc/net/tcp
done
: >"$0"; exec "$@"`;

function hex(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, "0");
}

/** The last step inside without network: mark "started", then exec the command exactly. */
const START_SCRIPT = `: >"$0"; exec "$@"`;

/** Builds the invocation (reads the filesystem for globs and protected files; writes nothing). */
export function buildLinuxInvocation(policy: Policy, o: LinuxInvocationOptions): LinuxInvocation {
  // Only the temp dir and the marker dir are writable inside: the rest of the
  // run dir (stub records, the seccomp program, proxy sockets) stays read-only.
  const plan = planMounts(policy, {
    forcedReadOnly: [o.runDir],
    forcedWritable: [o.tmpDir, o.markDir],
  });
  const weaker = policy.enableWeakerNestedSandbox;
  const network = o.proxySockets !== null;
  const seccomp = buildSeccompFilter({
    arch: o.arch,
    allowUnixSockets: policy.network.allowAllUnixSockets ||
      policy.network.allowUnixSockets.length > 0,
    allowListen: policy.network.allowLocalBinding,
  });
  const seccompPath = `${o.runDir}/seccomp.bpf`;
  const startedMarker = `${o.markDir}/started`;
  const namespaces = [
    "--unshare-user",
    "--unshare-net",
    "--unshare-ipc",
    "--unshare-uts",
    ...(weaker ? [] : ["--unshare-pid"]),
    "--die-with-parent",
    "--new-session",
  ];
  const fsArgs = [
    "--ro-bind",
    "/",
    "/",
    "--dev",
    "/dev",
    // The inner bwrap writes /proc/<pid>/uid_map, so a bound /proc must be writable.
    ...(weaker ? ["--bind", "/proc", "/proc"] : ["--proc", "/proc"]),
    ...plan.args,
  ];
  const start = network ? START_WITH_RELAYS : START_SCRIPT;
  // The command runs under an inner bwrap: its own user namespace (so it
  // cannot ptrace anything outside it: the outer init, the relays, the inner
  // bwrap), no capabilities, no further user namespaces, and the seccomp
  // filter. The outer layer keeps its capabilities inside its user namespace
  // (when srt runs as root) so the inner bwrap can map ids; only srt's own
  // script and relays run there.
  const inner = [
    o.bwrap,
    "--unshare-user",
    "--disable-userns",
    "--cap-drop",
    "ALL",
    "--die-with-parent",
    "--new-session",
    "--dev-bind",
    "/",
    "/",
    "--seccomp",
    "3",
    "--chdir",
    policy.cwd,
    "--",
    o.sh,
    "-c",
    start,
    startedMarker,
    ...o.argv,
  ];
  const outerScript = network
    ? [
      "-c",
      RELAY_SCRIPT,
      "srt-relay",
      o.proxySockets!.http,
      o.proxySockets!.socks,
      o.socat!,
      seccompPath,
    ]
    : ["-c", `exec "$@" 3<"$0"`, seccompPath];
  const args = [
    ...namespaces,
    ...fsArgs,
    "--chdir",
    policy.cwd,
    "--",
    o.sh,
    ...outerScript,
    ...inner,
  ];
  return {
    program: o.bwrap,
    args,
    seccomp,
    seccompPath,
    startedMarker,
    stubs: plan.stubs,
    notes: plan.notes,
  };
}

/** `args` without the `--ro-bind P P` of the given paths (stubs that turned out not to be needed). */
export function withoutBinds(args: readonly string[], paths: ReadonlySet<string>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--ro-bind" && paths.has(args[i + 1]) && args[i + 2] === args[i + 1]) {
      i += 2;
      continue;
    }
    out.push(args[i]);
  }
  return out;
}

/**
 * Host pid of the sandboxed command: the deepest session leader below the
 * spawned process (bwrap's `--new-session` makes the command one). Null if
 * it is not running (yet or any more).
 */
export function findCommandPid(rootPid: number): number | null {
  let best: { pid: number; depth: number } | null = null;
  const visit = (pid: number, depth: number) => {
    let stat: string;
    try {
      stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    } catch {
      return;
    }
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const session = Number(fields[3]);
    if (session === pid && depth > 0 && (!best || depth > best.depth)) best = { pid, depth };
    let children: string;
    try {
      children = Deno.readTextFileSync(`/proc/${pid}/task/${pid}/children`);
    } catch {
      return;
    }
    for (const c of children.trim().split(/\s+/).filter(Boolean)) visit(Number(c), depth + 1);
  };
  visit(rootPid, 0);
  return (best as { pid: number } | null)?.pid ?? null;
}
