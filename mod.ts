/**
 * srt: run a command under OS-level filesystem and network restrictions,
 * without a container. On Linux it uses bubblewrap namespaces, a seccomp
 * filter and srt's own filtering proxy; on macOS a generated Seatbelt profile
 * for `sandbox-exec` and the same proxy.
 *
 * The data flows one way: settings -> {@link resolvePolicy} -> (proxy,
 * platform backend) -> {@link spawnSandboxed}.
 *
 * @example Run a command with no network, writable only in the current directory
 * ```ts ignore
 * import { resolvePolicy, runSandboxed } from "@srt/cli";
 *
 * const policy = resolvePolicy({ settings: {} });
 * const code = await runSandboxed({ policy, command: { argv: ["ls", "-la"] } });
 * console.log(`exit status ${code}`);
 * ```
 *
 * @example Check a host against domain rules
 * ```ts
 * import { decideHost, parseDomainPattern } from "@srt/cli";
 *
 * const rules = {
 *   allow: [parseDomainPattern("*.example.com")],
 *   deny: [parseDomainPattern("bad.example.com")],
 *   allowAll: false,
 * };
 * console.log(decideHost(rules, "api.example.com", 443).allowed); // true
 * console.log(decideHost(rules, "BAD.example.com.", 443).allowed); // false
 * ```
 *
 * @module
 */

export { SRT_FAILURE_EXIT_CODE, SrtError } from "./src/errors.ts";
export {
  defaultSettingsPath,
  type LoadedSettings,
  loadSettings,
  parseSettings,
  type PathEntry,
  type Settings,
} from "./src/settings.ts";
export {
  describePolicy,
  expandPath,
  type PathRule,
  type Policy,
  policyHasNetwork,
  type ResolveOptions,
  resolvePolicy,
} from "./src/policy.ts";
export {
  canonicalHost,
  decideHost,
  type DomainRule,
  type NetworkDecision,
  type NetworkRules,
  parseDomainPattern,
  ruleMatches,
} from "./src/domain.ts";
export { canonicalIP, restrictedAddressReason } from "./src/address.ts";
export {
  type Glob,
  type GlobSegment,
  type GlobToken,
  hasGlobMagic,
  matchGlob,
  parseGlob,
} from "./src/glob.ts";
export {
  type ProxyEvent,
  type ProxyOptions,
  type ProxyServer,
  startProxy,
} from "./src/proxy/proxy.ts";
export { type ProxyEndpoints, proxyEnv } from "./src/proxy_env.ts";
export { formatEvent, type SandboxEvent, type ViolationEvent } from "./src/events.ts";
export {
  generateSeatbeltProfile,
  type SeatbeltOptions,
  type SeatbeltProfile,
} from "./src/macos/profile.ts";
export { globToSeatbeltRegex } from "./src/macos/seatbelt_regex.ts";
export {
  runSandboxed,
  type SandboxCommand,
  type SandboxProcess,
  type SpawnOptions,
  spawnSandboxed,
} from "./src/sandbox.ts";
export { buildSeccompFilter, type SeccompArch, type SeccompOptions } from "./src/linux/seccomp.ts";
export { type PermissionFlags } from "./src/flags.ts";
export { VERSION } from "./src/version.ts";
