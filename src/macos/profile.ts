/**
 * Seatbelt (SBPL) profile generation for `sandbox-exec`, from the same
 * resolved policy the Linux backend uses.
 *
 * Seatbelt applies the last matching rule, so the order is: deny everything;
 * allow what processes and tools need; allow reading, then deny `denyRead`,
 * then re-allow `allowRead`; allow writing in `allowWrite` and srt's temp dir,
 * then deny `denyWrite` and the mandatory protections (which therefore win),
 * and deny unlinking any ancestor of a protected path so it cannot be moved
 * away. Paths go in as `-D` parameters (no quoting problems in the profile);
 * globs become regexes through {@link globToSeatbeltRegex}. Every deny
 * carries a per-run tag so the violation monitor can attribute it.
 * @module
 */

import type { PathRule, Policy } from "../policy.ts";
import { parseGlob } from "../glob.ts";
import { escapeRegexLiteral, globToSeatbeltRegex } from "./seatbelt_regex.ts";
import {
  PROTECTED_DIRS,
  PROTECTED_FILES,
  PROTECTED_GIT_PATHS,
  protectedPathsAt,
  searchProtectedBelow,
} from "../mandatory.ts";
import { parentOf, realish } from "../_paths.ts";

/** Options of {@link generateSeatbeltProfile}. */
export interface SeatbeltOptions {
  /** Ports of srt's proxy on 127.0.0.1 (the only network the command gets). */
  readonly proxyPorts: readonly number[];
  /** The private temp dir (writable). */
  readonly tmpDir: string;
  /** Tag put in every denial message. */
  readonly tag: string;
  /** Maximum filters in one rule before it is split. Default 200. */
  readonly maxFiltersPerRule?: number;
}

/** A profile and the `-D` parameters it refers to. */
export interface SeatbeltProfile {
  /** The SBPL text. */
  readonly profile: string;
  /** `-D NAME=VALUE` parameters (the paths). */
  readonly params: Readonly<Record<string, string>>;
}

/** Mach services that common developer tools look up (user/group lookup, logging, keychain, preferences). */
const MACH_SERVICES = [
  "com.apple.system.opendirectoryd.libinfo",
  "com.apple.system.opendirectoryd.membership",
  "com.apple.system.logger",
  "com.apple.logd",
  "com.apple.diagnosticd",
  "com.apple.system.notification_center",
  "com.apple.distributed_notifications@Uv3",
  "com.apple.cfprefsd.daemon",
  "com.apple.cfprefsd.agent",
  "com.apple.bsd.dirhelper",
  "com.apple.SecurityServer",
  "com.apple.securityd.xpc",
  "com.apple.ocspd",
  "com.apple.coreservices.launchservicesd",
  "com.apple.lsd.mapdb",
  "com.apple.FSEvents",
  "com.apple.PowerManagement.control",
];

/** Device nodes any program may write. */
const WRITABLE_DEVICES = [
  "/dev/null",
  "/dev/zero",
  "/dev/tty",
  "/dev/dtracehelper",
  "/dev/stdout",
  "/dev/stderr",
];

/** `/tmp`, `/var` and `/etc` are symlinks into `/private` on macOS; Seatbelt sees the real path. */
export function canonicalMacPath(path: string): string {
  for (const top of ["/tmp", "/var", "/etc"]) {
    if (path === top || path.startsWith(top + "/")) return "/private" + path;
  }
  return path;
}

/** Quotes a Scheme string. */
export function sbplString(text: string): string {
  let out = '"';
  for (const c of text) {
    const code = c.codePointAt(0)!;
    if (c === "\\" || c === '"') out += `\\${c}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")};`;
    else out += c;
  }
  return out + '"';
}

/** Builds the profile. Reads the filesystem only to resolve symlinks and git worktree files. */
export function generateSeatbeltProfile(policy: Policy, options: SeatbeltOptions): SeatbeltProfile {
  const params: Record<string, string> = {};
  const byPath = new Map<string, string>();
  const param = (path: string) => {
    let name = byPath.get(path);
    if (!name) {
      name = `P${byPath.size}`;
      byPath.set(path, name);
      params[name] = path;
    }
    return `(param ${sbplString(name)})`;
  };
  const mac = (p: string) => canonicalMacPath(realish(p));
  const subpath = (p: string) => `(subpath ${param(mac(p))})`;
  const literal = (p: string) => `(literal ${param(mac(p))})`;
  const regex = (source: string) => `(regex ${sbplString(source)})`;
  const ruleFilters = (rules: readonly PathRule[]) =>
    rules.map((
      r,
    ) => (r.glob
      ? regex(globToSeatbeltRegex(parseGlob(canonicalMacPath(r.path))))
      : subpath(r.path))
    );
  const tag = `(with message ${sbplString(options.tag)})`;
  const max = options.maxFiltersPerRule ?? 200;
  const lines: string[] = [];
  const rule = (head: string, filters: readonly string[], withTag = false) => {
    for (let i = 0; i < filters.length; i += max) {
      lines.push(
        `(${head}\n  ${filters.slice(i, i + max).join("\n  ")}${withTag ? `\n  ${tag}` : ""})`,
      );
    }
  };

  lines.push("(version 1)", `(deny default ${tag})`);
  lines.push(
    ";; processes: run and inspect only what is inside this sandbox",
    "(allow process-exec)",
    "(allow process-fork)",
    "(allow signal (target same-sandbox))",
    "(allow process-info* (target same-sandbox))",
    "(allow sysctl-read)",
    "(allow user-preference-read)",
    "(allow ipc-posix-shm-read-data ipc-posix-shm-write-data ipc-posix-shm-read-metadata ipc-posix-shm-write-create)",
    "(allow ipc-posix-sem)",
    '(allow iokit-open (iokit-registry-entry-class "RootDomainUserClient"))',
    "(allow iokit-get-properties)",
  );
  const services = [
    ...MACH_SERVICES,
    ...(policy.enableWeakerNetworkIsolation ? ["com.apple.trustd.agent"] : []),
  ];
  rule("allow mach-lookup", services.map((s) => `(global-name ${sbplString(s)})`));
  // The terminal the command was started on stays usable; new ptys only when asked.
  rule("allow file-read* file-write* file-ioctl", [
    '(regex "^/dev/ttys[0-9]+$")',
    '(literal "/dev/tty")',
  ]);
  if (policy.allowPty) {
    lines.push("(allow pseudo-tty)");
    rule("allow file-read* file-write* file-ioctl", ['(literal "/dev/ptmx")']);
  }

  lines.push(";; reads: everywhere except denyRead; allowRead re-opens inside it");
  lines.push("(allow file-read*)");
  const fs = policy.filesystem;
  rule("deny file-read*", ruleFilters(fs.denyRead), true);
  rule("allow file-read*", ruleFilters(fs.allowRead));

  lines.push(";; writes: allowWrite and srt's temp dir only");
  rule("allow file-write*", [...ruleFilters(fs.allowWrite), subpath(options.tmpDir)]);
  rule(
    "allow file-write-data file-ioctl",
    WRITABLE_DEVICES.map((d) => `(literal ${sbplString(d)})`),
  );

  lines.push(";; denyWrite and the mandatory protections win over allowWrite");
  const existingProtected = [
    ...protectedPathsAt(policy.cwd),
    ...protectedPathsAt(policy.home),
    ...searchProtectedBelow(policy.cwd, fs.mandatoryDenySearchDepth).paths,
  ];
  const cwdRe = escapeRegexLiteral(mac(policy.cwd));
  const names = [...PROTECTED_FILES, ...PROTECTED_DIRS].map(escapeRegexLiteral).join("|");
  rule("deny file-write*", [
    ...ruleFilters(fs.denyWrite),
    // anywhere in the current directory tree, existing or created later
    regex(`^${cwdRe}(/[^/]+)*/(${names})(/.*)?$`),
    regex(`^${cwdRe}(/[^/]+)*/\\.git/(${PROTECTED_GIT_PATHS.join("|")})(/.*)?$`),
    ...[...new Set(existingProtected)].map(subpath),
  ], true);

  lines.push(";; moving or deleting a parent of a protected path would defeat it");
  const ancestors = new Set<string>();
  const literalDenies = fs.denyWrite.filter((r) => !r.glob).map((r) => r.path);
  for (const p of [...existingProtected, ...literalDenies].map(mac)) {
    for (let a = parentOf(p); a !== null; a = parentOf(a)) ancestors.add(a);
  }
  rule("deny file-write-unlink", [...ancestors].sort().map(literal), true);
  rule("deny file-write-unlink", [regex(`^${cwdRe}(/[^/]+)*/(\\.git|\\.claude)$`)], true);

  lines.push(";; network: only srt's proxy");
  rule("allow network-outbound", options.proxyPorts.map((p) => `(remote ip "localhost:${p}")`));
  if (policy.network.allowLocalBinding) {
    lines.push(
      '(allow network-bind (local ip "localhost:*"))',
      '(allow network-inbound (local ip "localhost:*"))',
      '(allow network-outbound (remote ip "localhost:*"))',
    );
  }
  if (policy.network.allowAllUnixSockets) {
    lines.push(
      "(allow network-outbound (remote unix-socket))",
      "(allow network-bind (local unix-socket))",
    );
  } else if (policy.network.allowUnixSockets.length > 0) {
    rule(
      "allow network-outbound",
      policy.network.allowUnixSockets.map((p) =>
        `(remote unix-socket (path-literal ${param(canonicalMacPath(realish(p)))}))`
      ),
    );
  }
  return { profile: lines.join("\n") + "\n", params };
}
