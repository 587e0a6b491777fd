/**
 * The resolved, platform-neutral policy: settings merged with flags, paths
 * made absolute, globs parsed, domain rules compiled. Backends consume only
 * this; nothing downstream reads raw settings.
 * @module
 */

import { resolvePath } from "./_paths.ts";
import { type Glob, hasGlobMagic, parseGlob } from "./glob.ts";
import { type DomainRule, type NetworkRules, parseDomainPattern } from "./domain.ts";
import type { PathEntry, Settings } from "./settings.ts";
import type { PermissionFlags } from "./flags.ts";
import { SrtError } from "./errors.ts";

/** One filesystem rule: an absolute path, or a glob to expand. */
export interface PathRule {
  /** The entry as the user wrote it. */
  readonly source: string;
  /** Absolute, normalised path or pattern (`~` and relative paths expanded). */
  readonly path: string;
  /** The parsed glob, or null for a literal path. */
  readonly glob: Glob | null;
}

/** The resolved policy. */
export interface Policy {
  /** Directory the command runs in (absolute). */
  readonly cwd: string;
  /** The user's home directory (absolute). */
  readonly home: string;
  /** Filesystem rules. Reads are allowed except `denyRead`; writes only in `allowWrite`. */
  readonly filesystem: {
    readonly denyRead: readonly PathRule[];
    readonly allowRead: readonly PathRule[];
    readonly allowWrite: readonly PathRule[];
    readonly denyWrite: readonly PathRule[];
    readonly mandatoryDenySearchDepth: number;
  };
  /** Network rules and local-socket switches. */
  readonly network: NetworkRules & {
    readonly allowUnixSockets: readonly string[];
    readonly allowAllUnixSockets: boolean;
    readonly allowLocalBinding: boolean;
    /** An external HTTP proxy on 127.0.0.1 to use instead of srt's own. */
    readonly httpProxyPort: number | null;
    /** An external SOCKS5 proxy on 127.0.0.1 to use instead of srt's own. */
    readonly socksProxyPort: number | null;
  };
  /** Command pattern to paths whose violations are not reported. */
  readonly ignoreViolations: Readonly<Record<string, readonly string[]>>;
  /** Linux: weaker isolation for unprivileged containers (see README). */
  readonly enableWeakerNestedSandbox: boolean;
  /** macOS: allow trustd lookups (Go TLS verification). */
  readonly enableWeakerNetworkIsolation: boolean;
  /** macOS: allow allocating new pseudo-terminals. */
  readonly allowPty: boolean;
}

/** Inputs to {@link resolvePolicy}. */
export interface ResolveOptions {
  /** Validated settings (may be `{}`). */
  settings: Settings;
  /** Permission flags from the command line. */
  flags?: Partial<PermissionFlags>;
  /** Working directory; defaults to `Deno.cwd()`. */
  cwd?: string;
  /** Home directory; defaults to `$HOME`. */
  home?: string;
}

/** Expands `~` and makes a path absolute against `cwd`, normalised, without a trailing slash. */
export function expandPath(entry: string, cwd: string, home: string): string {
  let p = entry;
  if (p === "~") p = home;
  else if (p.startsWith("~/")) p = home + p.slice(1);
  else if (p.startsWith("~")) {
    throw new TypeError(
      `Path "${entry}" uses "~user", which srt does not expand: write the full path`,
    );
  }
  return resolvePath(cwd, p);
}

function pathRule(entry: PathEntry, cwd: string, home: string, where: string): PathRule {
  const raw = typeof entry === "string" ? entry : entry.path;
  const literal = typeof entry !== "string" && entry.literal === true;
  let path: string;
  try {
    path = expandPath(raw, cwd, home);
  } catch (error) {
    throw new SrtError(`${where}: ${(error as Error).message}; nothing was run.`);
  }
  const glob = !literal && hasGlobMagic(path) ? parseGlob(path) : null;
  return { source: raw, path, glob };
}

function domainRules(entries: readonly string[], allowAll: boolean, where: string): DomainRule[] {
  return entries.map((entry, i) => {
    try {
      return parseDomainPattern(entry, { allowAll });
    } catch (error) {
      throw new SrtError(`${where}[${i}]: ${(error as Error).message}. Nothing was run.`);
    }
  });
}

/**
 * Merges flags over settings and resolves everything to absolute form.
 * @throws {SrtError} When a flag value is invalid.
 */
export function resolvePolicy(options: ResolveOptions): Policy {
  const { settings } = options;
  const flags = options.flags ?? {};
  const cwd = options.cwd ?? Deno.cwd();
  const home = options.home ?? Deno.env.get("HOME") ?? "/";
  const fs = settings.filesystem ?? {};
  const net = settings.network ?? {};
  const paths = (entries: readonly PathEntry[], where: string) =>
    entries.map((e, i) => pathRule(e, cwd, home, `${where}[${i}]`));
  const flagPaths = (entries: readonly string[] | undefined, flag: string) =>
    (entries ?? []).map((e) => pathRule(e, cwd, home, `--${flag}=${e}`));

  const writeEntries = fs.allowWrite === undefined && (flags.allowWrite ?? []).length === 0
    ? [pathRule(".", cwd, home, "default allowWrite")]
    : [
      ...paths(fs.allowWrite ?? [], "filesystem.allowWrite"),
      ...flagPaths(flags.allowWrite, "allow-write"),
    ];

  const allowNetFlag = flags.allowNet ?? [];
  const unixFlag = flags.allowUnixSocket ?? [];
  return {
    cwd,
    home,
    filesystem: {
      denyRead: [
        ...paths(fs.denyRead ?? [], "filesystem.denyRead"),
        ...flagPaths(flags.denyRead, "deny-read"),
      ],
      allowRead: [
        ...paths(fs.allowRead ?? [], "filesystem.allowRead"),
        ...flagPaths(flags.allowRead, "allow-read"),
      ],
      allowWrite: writeEntries,
      denyWrite: [
        ...paths(fs.denyWrite ?? [], "filesystem.denyWrite"),
        ...flagPaths(flags.denyWrite, "deny-write"),
      ],
      mandatoryDenySearchDepth: settings.mandatoryDenySearchDepth ?? 3,
    },
    network: {
      allow: [
        ...domainRules(net.allowedDomains ?? [], false, "network.allowedDomains"),
        ...domainRules(allowNetFlag === "all" ? [] : allowNetFlag, false, "--allow-net"),
      ],
      deny: [
        ...domainRules(net.deniedDomains ?? [], true, "network.deniedDomains"),
        ...domainRules(flags.denyNet ?? [], true, "--deny-net"),
      ],
      allowAll: allowNetFlag === "all",
      allowUnixSockets: [
        ...(net.allowUnixSockets ?? []),
        ...(unixFlag === "all" ? [] : unixFlag),
      ].map((p) => expandPath(p, cwd, home)),
      allowAllUnixSockets: unixFlag === "all" || net.allowAllUnixSockets === true,
      allowLocalBinding: net.allowLocalBinding === true,
      httpProxyPort: net.httpProxyPort ?? null,
      socksProxyPort: net.socksProxyPort ?? null,
    },
    ignoreViolations: settings.ignoreViolations ?? {},
    enableWeakerNestedSandbox: settings.enableWeakerNestedSandbox === true,
    enableWeakerNetworkIsolation: settings.enableWeakerNetworkIsolation === true,
    allowPty: settings.allowPty === true,
  };
}

/** Whether the policy gives the command any network at all. */
export function policyHasNetwork(policy: Policy): boolean {
  return policy.network.allowAll || policy.network.allow.length > 0 ||
    policy.network.httpProxyPort !== null || policy.network.socksProxyPort !== null;
}

/** A JSON-friendly view of the policy for `srt --debug`. */
export function describePolicy(policy: Policy): string {
  const rules = (list: readonly PathRule[]) =>
    list.map((r) => (r.glob ? `${r.path} (glob)` : r.path));
  return JSON.stringify(
    {
      cwd: policy.cwd,
      filesystem: {
        denyRead: rules(policy.filesystem.denyRead),
        allowRead: rules(policy.filesystem.allowRead),
        allowWrite: rules(policy.filesystem.allowWrite),
        denyWrite: rules(policy.filesystem.denyWrite),
        mandatoryDenySearchDepth: policy.filesystem.mandatoryDenySearchDepth,
      },
      network: {
        allowAll: policy.network.allowAll,
        allow: policy.network.allow.map((r) => r.source),
        deny: policy.network.deny.map((r) => r.source),
        allowUnixSockets: policy.network.allowUnixSockets,
        allowAllUnixSockets: policy.network.allowAllUnixSockets,
        allowLocalBinding: policy.network.allowLocalBinding,
      },
    },
    null,
    2,
  );
}
