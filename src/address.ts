/**
 * IP address parsing, canonical forms and the classes of addresses a hostname
 * must not resolve to (loopback, private, link-local, metadata, ...).
 * @module
 */

/** Canonical IPv4 dotted quad for any numeric form WHATWG URLs accept (`127.1`, `0x7f.1`, `2130706433`). */
export function canonicalIPv4(text: string): string | null {
  if (!/^[0-9a-fA-FxX.]+$/.test(text) || !/^[0-9]/.test(text)) return null;
  try {
    const host = new URL(`http://${text}/`).hostname;
    return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? host : null;
  } catch {
    return null;
  }
}

/** Parses an IPv6 literal (no brackets) into eight 16-bit groups, or null. */
export function parseIPv6(text: string): number[] | null {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !text.includes(":") || text.length > 45) return null;
  if ((text.match(/::/g) ?? []).length > 1 || /:::/.test(text)) return null;
  if (/^:[^:]|[^:]:$/.test(text)) return null;
  let body = text;
  const tail: number[] = [];
  const v4 = body.match(/(?:^|:)(\d+\.\d+\.\d+\.\d+)$/);
  if (body.includes(".") && !v4) return null;
  if (v4) {
    const parts = v4[1].split(".").map(Number);
    if (
      parts.some((p) => p > 255) || v4[1].split(".").some((p) => p.length > 1 && p.startsWith("0"))
    ) return null;
    tail.push((parts[0] << 8) | parts[1], (parts[2] << 8) | parts[3]);
    body = body.slice(0, -v4[1].length) + "0:0";
  }
  const [head, rest] = body.includes("::") ? body.split("::") : [body, null];
  const headGroups = head === "" ? [] : head.split(":");
  const restGroups = rest === null || rest === "" ? [] : rest.split(":");
  if ([...headGroups, ...restGroups].some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return null;
  const missing = 8 - headGroups.length - restGroups.length;
  if (rest === null ? missing !== 0 : missing < 1) return null;
  const groups = [
    ...headGroups,
    ...(rest === null ? [] : Array(missing).fill("0")),
    ...restGroups,
  ].map((g) => parseInt(g, 16));
  if (tail.length) groups.splice(6, 2, ...tail);
  return groups.length === 8 && groups.every((g) => g >= 0 && g <= 0xffff) ? groups : null;
}

/** RFC 5952 text for eight groups. */
function formatIPv6(groups: number[]): string {
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/**
 * Canonical text of an IP literal: IPv4 numeric tricks folded to a dotted
 * quad, IPv6 compressed and lowercased, IPv4-mapped and IPv4-compatible
 * IPv6 folded to IPv4. Brackets are accepted. Null when not an IP literal.
 */
export function canonicalIP(text: string): { family: 4 | 6; address: string } | null {
  const bare = text.startsWith("[") && text.endsWith("]") ? text.slice(1, -1) : text;
  const v4 = canonicalIPv4(bare);
  if (v4) return { family: 4, address: v4 };
  const groups = parseIPv6(bare);
  if (!groups) return null;
  const embedded = embeddedIPv4(groups);
  if (embedded && groups[5] === 0xffff) return { family: 4, address: embedded };
  return { family: 6, address: formatIPv6(groups) };
}

function embeddedIPv4(groups: number[]): string | null {
  const [a, b, c, d, e, f, g, h] = groups;
  if (a === 0 && b === 0 && c === 0 && d === 0 && e === 0 && (f === 0xffff || f === 0)) {
    if (f === 0 && g === 0) return null; // `::` and `::1` are IPv6 themselves
    return `${g >> 8}.${g & 255}.${h >> 8}.${h & 255}`;
  }
  return null;
}

function v4Number(address: string): number {
  return address.split(".").reduce((n, part) => n * 256 + Number(part), 0);
}

const RESTRICTED_V4: ReadonlyArray<readonly [string, number, string]> = [
  ["0.0.0.0", 8, "unspecified"],
  ["10.0.0.0", 8, "private"],
  ["100.64.0.0", 10, "carrier-grade NAT"],
  ["127.0.0.0", 8, "loopback"],
  ["169.254.0.0", 16, "link-local"],
  ["172.16.0.0", 12, "private"],
  ["192.0.0.0", 24, "IETF protocol assignment"],
  ["192.168.0.0", 16, "private"],
  ["198.18.0.0", 15, "benchmarking"],
  ["224.0.0.0", 4, "multicast"],
  ["240.0.0.0", 4, "reserved"],
];

/**
 * Why a resolved address must not be dialled for an allowed hostname, or null
 * when it is a public address.
 */
export function restrictedAddressReason(address: string): string | null {
  const ip = canonicalIP(address);
  if (!ip) return "not an IP address";
  if (ip.family === 4) {
    if (ip.address === "169.254.169.254") return "cloud metadata";
    const n = v4Number(ip.address);
    for (const [base, bits, why] of RESTRICTED_V4) {
      const size = 2 ** (32 - bits);
      const start = v4Number(base);
      if (n >= start && n < start + size) return why;
    }
    return null;
  }
  const g = parseIPv6(ip.address)!;
  if (g.every((x) => x === 0)) return "unspecified";
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return "loopback";
  if (ip.address === "fd00:ec2::254") return "cloud metadata";
  if ((g[0] & 0xfe00) === 0xfc00) return "private";
  if ((g[0] & 0xffc0) === 0xfe80) return "link-local";
  if ((g[0] & 0xff00) === 0xff00) return "multicast";
  if (g[0] === 0x64 && g[1] === 0xff9b) {
    return restrictedAddressReason(`${g[6] >> 8}.${g[6] & 255}.${g[7] >> 8}.${g[7] & 255}`);
  }
  if (g[0] === 0x2002) {
    return restrictedAddressReason(`${g[1] >> 8}.${g[1] & 255}.${g[2] >> 8}.${g[2] & 255}`);
  }
  return null;
}
