/**
 * Domain patterns of `network.allowedDomains` / `deniedDomains` and
 * `--allow-net` / `--deny-net`: parsing, canonical hostnames and matching.
 * @module
 */

import { canonicalIP } from "./address.ts";

/** A compiled domain rule. */
export interface DomainRule {
  /** The entry as written. */
  readonly source: string;
  /** `name` (a DNS name), `ip` (a literal address), or `all` (a bare `*`, deny lists only). */
  readonly kind: "name" | "ip" | "all";
  /** Canonical host: lowercase punycode without trailing dot, or canonical IP text. */
  readonly host: string;
  /** `*.host`: strict subdomains of `host` only. */
  readonly wildcard: boolean;
  /** Port the rule is limited to, or null for any port. */
  readonly port: number | null;
}

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/;

/**
 * Canonical form of a hostname a client asked for: lowercase, punycode,
 * trailing dot dropped, IP literals in canonical text (numeric IPv4 tricks
 * and IPv4-mapped IPv6 folded). Null when it is not a valid host.
 */
export function canonicalHost(host: string): string | null {
  let h = host.trim();
  if (h === "" || h.length > 255) return null;
  const ip = canonicalIP(h);
  if (ip) return ip.address;
  if (h.startsWith("[")) return null;
  if (h.endsWith(".")) h = h.slice(0, -1);
  if (/[\s/\\?#@:%]/.test(h)) return null;
  let ascii: string;
  try {
    ascii = new URL(`http://${h}/`).hostname;
  } catch {
    return null;
  }
  const again = canonicalIP(ascii);
  if (again) return again.address;
  if (ascii.endsWith(".")) ascii = ascii.slice(0, -1);
  if (!ascii.split(".").every((label) => LABEL.test(label))) return null;
  return ascii;
}

/**
 * Parses one domain pattern: `example.com`, `*.example.com`, `host:443`,
 * `192.0.2.1`, `[2001:db8::1]:443`; a bare `*` only when `allowAll` is set.
 * @throws {TypeError} Naming what is wrong and how to write it instead.
 */
export function parseDomainPattern(
  entry: string,
  options: { allowAll?: boolean } = {},
): DomainRule {
  const quoted = JSON.stringify(entry);
  if (typeof entry !== "string" || entry.trim() === "") {
    throw new TypeError(`${quoted} is not a domain pattern (it is empty)`);
  }
  if (entry === "*") {
    if (options.allowAll) {
      return { source: entry, kind: "all", host: "*", wildcard: false, port: null };
    }
    throw new TypeError(
      `${quoted} is too broad for an allow list (use --allow-net with no list to allow every host)`,
    );
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) {
    throw new TypeError(`${quoted} is not a domain pattern (drop the scheme)`);
  }
  if (entry.includes("/")) throw new TypeError(`${quoted} is not a domain pattern (drop the path)`);
  let hostPart = entry;
  let port: number | null = null;
  if (entry.startsWith("[")) {
    const close = entry.indexOf("]");
    if (close === -1) throw new TypeError(`${quoted} is not a domain pattern (unclosed "[")`);
    hostPart = entry.slice(0, close + 1);
    const rest = entry.slice(close + 1);
    if (rest !== "") {
      if (!rest.startsWith(":")) {
        throw new TypeError(`${quoted} is not a domain pattern (expected ":port" after "]")`);
      }
      port = parsePort(rest.slice(1), quoted);
    }
  } else {
    const colons = entry.split(":").length - 1;
    if (colons > 1) {
      throw new TypeError(
        `${quoted} is not a domain pattern (write IPv6 addresses in brackets, e.g. "[::1]:443")`,
      );
    }
    if (colons === 1) {
      const at = entry.lastIndexOf(":");
      hostPart = entry.slice(0, at);
      port = parsePort(entry.slice(at + 1), quoted);
    }
  }
  if (hostPart.startsWith("[")) {
    const ip = canonicalIP(hostPart);
    if (!ip || ip.family !== 6) {
      throw new TypeError(`${quoted} is not a domain pattern (not an IPv6 address in brackets)`);
    }
    return { source: entry, kind: "ip", host: ip.address, wildcard: false, port };
  }
  let wildcard = false;
  if (hostPart.startsWith("*.")) {
    wildcard = true;
    hostPart = hostPart.slice(2);
  }
  if (hostPart.includes("*")) {
    throw new TypeError(
      `${quoted} is not a domain pattern ("*." may only stand as the first label, e.g. "*.example.com")`,
    );
  }
  const host = canonicalHost(hostPart);
  if (!host) throw new TypeError(`${quoted} is not a domain pattern (not a valid hostname)`);
  const isIp = canonicalIP(host) !== null;
  if (wildcard) {
    if (isIp) throw new TypeError(`${quoted} is not a domain pattern (no "*." on an IP address)`);
    if (host.split(".").length < 2) {
      throw new TypeError(
        `${quoted} is too broad ("*." needs at least two labels after it, e.g. "*.example.com")`,
      );
    }
  }
  return { source: entry, kind: isIp ? "ip" : "name", host, wildcard, port };
}

function parsePort(text: string, quoted: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) < 1 || Number(text) > 65535) {
    throw new TypeError(`${quoted} is not a domain pattern (port must be 1-65535)`);
  }
  return Number(text);
}

/** Whether a rule matches a canonical host (see {@link canonicalHost}) and port. */
export function ruleMatches(rule: DomainRule, host: string, port: number): boolean {
  if (rule.port !== null && rule.port !== port) return false;
  if (rule.kind === "all") return true;
  if (rule.wildcard) return host.endsWith("." + rule.host);
  return host === rule.host;
}

/** The network part of a resolved policy that decisions are made from. */
export interface NetworkRules {
  /** Allow rules; empty with `allowAll` false means no network at all. */
  readonly allow: readonly DomainRule[];
  /** Deny rules; they beat every allow rule. */
  readonly deny: readonly DomainRule[];
  /** Every host is allowed unless denied (`--allow-net` with no list). */
  readonly allowAll: boolean;
}

/** The outcome of checking one destination against the rules. */
export interface NetworkDecision {
  /** Whether the connection may go ahead. */
  readonly allowed: boolean;
  /** Why, in a few words naming the rule. */
  readonly reason: string;
}

/** Decides a destination: deny rules first, then `allowAll`, then the allow rules. */
export function decideHost(rules: NetworkRules, rawHost: string, port: number): NetworkDecision {
  const host = canonicalHost(rawHost);
  if (!host) return { allowed: false, reason: `"${rawHost}" is not a valid host` };
  const denied = rules.deny.find((r) => ruleMatches(r, host, port));
  if (denied) return { allowed: false, reason: `matches denied "${denied.source}"` };
  if (rules.allowAll) return { allowed: true, reason: "all hosts allowed" };
  const allowed = rules.allow.find((r) => ruleMatches(r, host, port));
  if (allowed) return { allowed: true, reason: `matches allowed "${allowed.source}"` };
  return { allowed: false, reason: `"${host}:${port}" is not in the allowed domains` };
}

/** Whether the IP literal `address` (canonical) is itself allowed by an explicit IP rule. */
export function ipExplicitlyAllowed(rules: NetworkRules, address: string, port: number): boolean {
  return rules.allow.some((r) => r.kind === "ip" && ruleMatches(r, address, port));
}
