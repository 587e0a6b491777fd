/**
 * srt's filtering proxy: HTTP/1.1 (CONNECT tunnels and absolute-form
 * forwarding) and SOCKS5 on one listener, told apart by the first byte.
 * Every destination is decided against the policy's domain rules, then the
 * resolved addresses are checked (no loopback/private/metadata for a name
 * unless that address is allowed as a literal) and the exact checked address
 * is dialled.
 * @module
 */

import { canonicalIP, restrictedAddressReason } from "../address.ts";
import { canonicalHost, decideHost, ipExplicitlyAllowed, type NetworkRules } from "../domain.ts";
import { BufferedReader, EarlyEof, latin1Bytes, TooLarge, writeAll } from "./_reader.ts";

/** One decision of the proxy. */
export interface ProxyEvent {
  /** Discriminant among sandbox events. */
  readonly kind: "network";
  /** When it was decided. */
  readonly time: Date;
  /** Host as the client asked for it. */
  readonly host: string;
  /** Destination port. */
  readonly port: number;
  /** How the client asked. */
  readonly protocol: "http" | "connect" | "socks5";
  /** Whether the connection went ahead. */
  readonly allowed: boolean;
  /** Which rule decided, or what failed. */
  readonly reason: string;
  /** The command the proxy serves, if the caller named one. */
  readonly command?: string;
}

/** Options of {@link startProxy}. */
export interface ProxyOptions {
  /** The compiled domain rules. */
  readonly rules: NetworkRules;
  /** When set, clients must present it (HTTP `Proxy-Authorization: Basic`, SOCKS5 user/password). */
  readonly credential?: { readonly username: string; readonly password: string } | null;
  /** Receives every decision. */
  readonly onEvent?: (event: ProxyEvent) => void;
  /** Command name to put in events. */
  readonly command?: string;
  /** Time allowed for a request head (also the keep-alive idle limit). Default 30 s. */
  readonly headerTimeoutMs?: number;
  /** A tunnel with no traffic either way for this long is closed. Default 10 min. */
  readonly idleTimeoutMs?: number;
  /** Time allowed to connect upstream. Default 15 s. */
  readonly connectTimeoutMs?: number;
}

/** A running proxy. */
export interface ProxyServer {
  /** The address it listens on. */
  readonly addr: Deno.Addr;
  /** Connections currently open. */
  readonly activeConnections: number;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

const MAX_HEAD = 64 * 1024;
const HOP_BY_HOP = new Set([
  "connection",
  "proxy-connection",
  "keep-alive",
  "proxy-authorization",
  "proxy-authenticate",
  "te",
  "trailer",
  "upgrade",
]);

/** Headers that must appear at most once (request smuggling otherwise). */
const SINGLE_HEADERS = new Set(["content-length", "transfer-encoding", "host"]);

interface Tracked {
  conns: Deno.Conn[];
  deadline: number;
  timeout: number;
}

/** Starts serving `listener`; returns at once. */
export function startProxy(listener: Deno.Listener, options: ProxyOptions): ProxyServer {
  const tracked = new Set<Tracked>();
  const headerTimeout = options.headerTimeoutMs ?? 30_000;
  const idleTimeout = options.idleTimeoutMs ?? 600_000;
  const sweepEvery = Math.max(
    20,
    Math.min(1000, Math.floor(Math.min(headerTimeout, idleTimeout) / 4)),
  );
  const sweeper = setInterval(() => {
    const now = performance.now();
    for (const t of tracked) {
      if (now > t.deadline) {
        tracked.delete(t);
        for (const c of t.conns) closeQuietly(c);
      }
    }
  }, sweepEvery);
  Deno.unrefTimer(sweeper);
  let closed = false;
  const loop = (async () => {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        if (closed) return;
        continue;
      }
      if ("setNoDelay" in conn) (conn as Deno.TcpConn).setNoDelay(true);
      const t: Tracked = {
        conns: [conn],
        deadline: performance.now() + headerTimeout,
        timeout: headerTimeout,
      };
      tracked.add(t);
      handle(conn, t, options, headerTimeout, idleTimeout).catch(() => {}).finally(() => {
        tracked.delete(t);
        for (const c of t.conns) closeQuietly(c);
      });
    }
  })();
  return {
    addr: listener.addr,
    get activeConnections() {
      return tracked.size;
    },
    async close() {
      closed = true;
      clearInterval(sweeper);
      closeQuietly(listener);
      for (const t of tracked) for (const c of t.conns) closeQuietly(c);
      tracked.clear();
      await loop;
    },
  };
}

function closeQuietly(c: { close(): void }): void {
  try {
    c.close();
  } catch {
    // already closed
  }
}

async function handle(
  conn: Deno.Conn,
  t: Tracked,
  options: ProxyOptions,
  headerTimeout: number,
  idleTimeout: number,
): Promise<void> {
  const touch = () => {
    t.deadline = performance.now() + t.timeout;
  };
  const reader = new BufferedReader(conn, touch);
  const first = await reader.peekByte();
  if (first === null) return;
  const ctx: Ctx = { conn, reader, t, options, headerTimeout, idleTimeout, touch };
  if (first === 0x05) await handleSocks(ctx);
  else await handleHttp(ctx);
}

interface Ctx {
  conn: Deno.Conn;
  reader: BufferedReader;
  t: Tracked;
  options: ProxyOptions;
  headerTimeout: number;
  idleTimeout: number;
  touch: () => void;
}

function emit(ctx: Ctx, e: Omit<ProxyEvent, "kind" | "time" | "command">): void {
  ctx.options.onEvent?.({
    kind: "network",
    time: new Date(),
    ...e,
    ...(ctx.options.command === undefined ? {} : { command: ctx.options.command }),
  });
}

type Dialed = { ok: true; conn: Deno.TcpConn; address: string } | {
  ok: false;
  blocked: boolean;
  reason: string;
};

/** Decides, resolves, guards and connects. */
async function dial(ctx: Ctx, rawHost: string, port: number): Promise<Dialed> {
  const { rules } = ctx.options;
  const decision = decideHost(rules, rawHost, port);
  if (!decision.allowed) return { ok: false, blocked: true, reason: decision.reason };
  const host = canonicalHost(rawHost)!;
  let candidates: string[];
  if (canonicalIP(host)) {
    const why = restrictedAddressReason(host);
    if (why && !ipExplicitlyAllowed(rules, host, port)) {
      return {
        ok: false,
        blocked: true,
        reason: `${host} is a ${why} address; allow "${host}" by itself to reach it`,
      };
    }
    candidates = [host];
  } else {
    let answers: { address: string }[];
    try {
      // Loaded on first use: it costs start-up time the sandbox often does not need.
      const { lookup } = await import("node:dns/promises");
      answers = await lookup(host, { all: true, verbatim: true });
    } catch {
      return { ok: false, blocked: false, reason: `cannot resolve "${host}"` };
    }
    const refused: string[] = [];
    candidates = [];
    for (const a of answers) {
      const ip = canonicalIP(a.address);
      if (!ip) continue;
      const why = restrictedAddressReason(ip.address);
      if (why && !ipExplicitlyAllowed(rules, ip.address, port)) {
        refused.push(`${ip.address} (${why})`);
      } else candidates.push(ip.address);
    }
    if (candidates.length === 0) {
      return {
        ok: false,
        blocked: true,
        reason: `"${host}" resolves only to restricted addresses: ${
          refused.join(", ")
        }; allow the address itself to reach it`,
      };
    }
  }
  let lastError = "";
  for (const address of candidates) {
    try {
      const upstream = await withTimeout(
        Deno.connect({ hostname: address, port, transport: "tcp" }),
        ctx.options.connectTimeoutMs ?? 15_000,
      );
      upstream.setNoDelay(true);
      return { ok: true, conn: upstream, address };
    } catch (error) {
      lastError = `${address}: ${(error as Error).message}`;
    }
  }
  return {
    ok: false,
    blocked: false,
    reason: `cannot connect to "${host}:${port}" (${lastError})`,
  };
}

function withTimeout<T extends { close(): void }>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    let done = false;
    const timer = setTimeout(() => {
      done = true;
      reject(new Error("connect timed out"));
      p.then((c) => c.close(), () => {});
    }, ms);
    p.then((v) => {
      clearTimeout(timer);
      if (!done) resolve(v);
    }, (e) => {
      clearTimeout(timer);
      if (!done) reject(e);
    });
  });
}

/** Smallest and largest copy buffer: small for quiet connections, large for bulk transfers. */
const MIN_BUFFER = 64 * 1024;
const MAX_BUFFER = 1024 * 1024;

/** Copies src to dst until EOF, then half-closes dst. The buffer grows while reads fill it. */
async function pump(src: Deno.Conn, dst: Deno.Conn, touch: () => void): Promise<void> {
  let buf = new Uint8Array(MIN_BUFFER);
  try {
    for (;;) {
      const n = await src.read(buf);
      if (n === null) break;
      touch();
      await writeAll(dst, buf.subarray(0, n));
      if (n === buf.length && buf.length < MAX_BUFFER) buf = new Uint8Array(buf.length * 4);
    }
    await dst.closeWrite();
  } catch {
    closeQuietly(src);
    closeQuietly(dst);
  }
}

/** Joins client and upstream both ways; `pending` is client data already read. */
async function tunnel(ctx: Ctx, upstream: Deno.Conn, pending: Uint8Array): Promise<void> {
  ctx.t.conns.push(upstream);
  ctx.t.timeout = ctx.idleTimeout;
  ctx.touch();
  if (pending.length) await writeAll(upstream, pending);
  await Promise.all([pump(ctx.conn, upstream, ctx.touch), pump(upstream, ctx.conn, ctx.touch)]);
}

// ---------------------------------------------------------------- SOCKS5

async function handleSocks(ctx: Ctx): Promise<void> {
  const { reader, conn } = ctx;
  const [, nMethods] = await reader.readExact(2);
  const methods = await reader.readExact(nMethods);
  const cred = ctx.options.credential;
  const want = cred ? 0x02 : 0x00;
  if (!methods.includes(want)) {
    await writeAll(conn, new Uint8Array([0x05, 0xff]));
    return;
  }
  await writeAll(conn, new Uint8Array([0x05, want]));
  if (cred) {
    const [ver, ulen] = await reader.readExact(2);
    const user = new TextDecoder().decode(await reader.readExact(ulen));
    const [plen] = await reader.readExact(1);
    const pass = new TextDecoder().decode(await reader.readExact(plen));
    const ok = ver === 0x01 && user === cred.username && pass === cred.password;
    await writeAll(conn, new Uint8Array([0x01, ok ? 0x00 : 0x01]));
    if (!ok) return;
  }
  const [ver, cmd, , atyp] = await reader.readExact(4);
  let host: string;
  if (atyp === 0x01) {
    host = Array.from(await reader.readExact(4)).join(".");
  } else if (atyp === 0x03) {
    const [len] = await reader.readExact(1);
    host = new TextDecoder().decode(await reader.readExact(len));
  } else if (atyp === 0x04) {
    const b = await reader.readExact(16);
    const groups: string[] = [];
    for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
    host = `[${groups.join(":")}]`;
  } else {
    await socksReply(conn, 0x08);
    return;
  }
  const [p1, p2] = await reader.readExact(2);
  const port = (p1 << 8) | p2;
  if (ver !== 0x05 || cmd !== 0x01) {
    await socksReply(conn, 0x07);
    emit(ctx, {
      host,
      port,
      protocol: "socks5",
      allowed: false,
      reason: `unsupported SOCKS5 command ${cmd}`,
    });
    return;
  }
  const shownHost = host.startsWith("[") ? host.slice(1, -1) : host;
  const dialed = port === 0
    ? { ok: false as const, blocked: true, reason: "port 0" }
    : await dial(ctx, host, port);
  if (!dialed.ok) {
    emit(ctx, { host: shownHost, port, protocol: "socks5", allowed: false, reason: dialed.reason });
    await socksReply(conn, dialed.blocked ? 0x02 : 0x05);
    return;
  }
  emit(ctx, {
    host: shownHost,
    port,
    protocol: "socks5",
    allowed: true,
    reason: `dialled ${dialed.address}`,
  });
  await socksReply(conn, 0x00);
  await tunnel(ctx, dialed.conn, reader.take(Infinity));
}

async function socksReply(conn: Deno.Conn, code: number): Promise<void> {
  await writeAll(conn, new Uint8Array([0x05, code, 0x00, 0x01, 0, 0, 0, 0, 0, 0]));
}

// ---------------------------------------------------------------- HTTP

interface Head {
  method: string;
  target: string;
  version: string;
  headers: Array<[string, string]>;
}

function parseRequestHead(text: string): Head | null {
  const lines = text.slice(0, -4).split("\r\n");
  const m = /^([A-Za-z]+) (\S+) (HTTP\/1\.[01])$/.exec(lines[0]);
  if (!m) return null;
  const headers = parseHeaderLines(lines.slice(1));
  return headers ? { method: m[1].toUpperCase(), target: m[2], version: m[3], headers } : null;
}

function parseHeaderLines(lines: string[]): Array<[string, string]> | null {
  const out: Array<[string, string]> = [];
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) return null;
    const name = line.slice(0, colon);
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) return null;
    const value = line.slice(colon + 1).trim();
    if (/[\r\n\0]/.test(value)) return null;
    out.push([name, value]);
  }
  return out;
}

function header(headers: Array<[string, string]>, name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([k]) => k.toLowerCase() === lower)?.[1];
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  403: "Forbidden",
  405: "Method Not Allowed",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  431: "Request Header Fields Too Large",
  502: "Bad Gateway",
};

async function respond(
  conn: Deno.Conn,
  status: number,
  body: string,
  extra: Array<[string, string]> = [],
): Promise<void> {
  const bytes = new TextEncoder().encode(body + "\n");
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}`,
    "Content-Type: text/plain; charset=utf-8",
    `Content-Length: ${bytes.length}`,
    "Connection: close",
    ...extra.map(([k, v]) => `${k}: ${v}`),
  ];
  try {
    await writeAll(conn, latin1Bytes(lines.join("\r\n") + "\r\n\r\n"));
    await writeAll(conn, bytes);
  } catch {
    // the client went away
  }
}

async function blocked(conn: Deno.Conn, reason: string): Promise<void> {
  await respond(conn, 403, `Connection blocked by network allowlist: ${reason}`, [[
    "X-Proxy-Error",
    "blocked-by-allowlist",
  ]]);
}

function authorized(ctx: Ctx, head: Head): boolean {
  const cred = ctx.options.credential;
  if (!cred) return true;
  const value = header(head.headers, "proxy-authorization");
  const m = value && /^Basic\s+(\S+)$/i.exec(value);
  if (!m) return false;
  try {
    return atob(m[1]) === `${cred.username}:${cred.password}`;
  } catch {
    return false;
  }
}

/** Splits `host:port` / `[v6]:port`; null when malformed. */
function splitHostPort(
  text: string,
  defaultPort: number | null,
): { host: string; port: number } | null {
  const m = /^(\[[^\]]+\]|[^:\[\]]+)(?::(\d{1,5}))?$/.exec(text);
  if (!m) return null;
  const port = m[2] === undefined ? defaultPort : Number(m[2]);
  if (port === null || port < 1 || port > 65535) return null;
  return { host: m[1], port };
}

async function handleHttp(ctx: Ctx): Promise<void> {
  const { conn, reader } = ctx;
  let upstream: { key: string; conn: Deno.TcpConn; reader: BufferedReader } | null = null;
  try {
    for (;;) {
      ctx.t.timeout = ctx.headerTimeout;
      ctx.touch();
      let text: string | null;
      try {
        text = await reader.readHead(MAX_HEAD);
      } catch (error) {
        if (error instanceof TooLarge) await respond(conn, 431, "Request header fields too large");
        else if (!(error instanceof EarlyEof)) await respond(conn, 400, "Bad request");
        return;
      }
      if (text === null) return;
      const head = parseRequestHead(text);
      if (!head) {
        await respond(conn, 400, "Bad request: malformed request line or header");
        return;
      }
      if (!authorized(ctx, head)) {
        await respond(conn, 407, "Proxy authentication required", [[
          "Proxy-Authenticate",
          'Basic realm="srt"',
        ]]);
        return;
      }
      if (head.method === "CONNECT") {
        await handleConnect(ctx, head);
        return;
      }
      const next = await forwardOne(ctx, head, upstream);
      if (next === "close") return;
      upstream = next;
    }
  } finally {
    if (upstream) closeQuietly(upstream.conn);
  }
}

async function handleConnect(ctx: Ctx, head: Head): Promise<void> {
  const target = splitHostPort(head.target, null);
  if (!target) {
    await respond(ctx.conn, 400, `Bad request: CONNECT target "${head.target}" is not host:port`);
    return;
  }
  const shownHost = target.host.replace(/^\[|\]$/g, "");
  const dialed = await dial(ctx, target.host, target.port);
  if (!dialed.ok) {
    emit(ctx, {
      host: shownHost,
      port: target.port,
      protocol: "connect",
      allowed: false,
      reason: dialed.reason,
    });
    if (dialed.blocked) await blocked(ctx.conn, dialed.reason);
    else await respond(ctx.conn, 502, `Bad gateway: ${dialed.reason}`);
    return;
  }
  emit(ctx, {
    host: shownHost,
    port: target.port,
    protocol: "connect",
    allowed: true,
    reason: `dialled ${dialed.address}`,
  });
  await writeAll(ctx.conn, latin1Bytes("HTTP/1.1 200 Connection Established\r\n\r\n"));
  await tunnel(ctx, dialed.conn, ctx.reader.take(Infinity));
}

type Upstream = { key: string; conn: Deno.TcpConn; reader: BufferedReader };

/** Forwards one absolute-form request and its response; returns the upstream to reuse, or "close". */
async function forwardOne(
  ctx: Ctx,
  head: Head,
  current: Upstream | null,
): Promise<Upstream | "close"> {
  const { conn } = ctx;
  const m = /^http:\/\/([^/?#]+)([^#]*)/i.exec(head.target);
  const authority = m ? splitHostPort(m[1], 80) : null;
  if (!m || !authority || m[1].includes("@")) {
    const hint = /^https:/i.test(head.target) ? " (use CONNECT for https)" : "";
    await respond(
      conn,
      400,
      `Bad request: expected an absolute http:// URL, found "${head.target}"${hint}`,
    );
    return "close";
  }
  const path = m[2] === "" ? "/" : m[2].startsWith("/") ? m[2] : "/" + m[2];
  const shownHost = authority.host.replace(/^\[|\]$/g, "");
  const key = `${canonicalHost(authority.host)}:${authority.port}`;
  let upstream = current && current.key === key ? current : null;
  if (!upstream) {
    if (current) closeQuietly(current.conn);
    const dialed = await dial(ctx, authority.host, authority.port);
    if (!dialed.ok) {
      emit(ctx, {
        host: shownHost,
        port: authority.port,
        protocol: "http",
        allowed: false,
        reason: dialed.reason,
      });
      if (dialed.blocked) await blocked(conn, dialed.reason);
      else await respond(conn, 502, `Bad gateway: ${dialed.reason}`);
      return "close";
    }
    emit(ctx, {
      host: shownHost,
      port: authority.port,
      protocol: "http",
      allowed: true,
      reason: `dialled ${dialed.address}`,
    });
    upstream = { key, conn: dialed.conn, reader: new BufferedReader(dialed.conn, ctx.touch) };
    ctx.t.conns.push(dialed.conn);
  }
  const te = header(head.headers, "transfer-encoding");
  const cl = header(head.headers, "content-length");
  const framing = head.headers.map(([k]) => k.toLowerCase()).filter((k) => SINGLE_HEADERS.has(k));
  if (framing.length !== new Set(framing).size) {
    await respond(
      conn,
      400,
      "Bad request: repeated Content-Length, Transfer-Encoding or Host header",
    );
    return "close";
  }
  const chunked = te !== undefined && /chunked\s*$/i.test(te);
  if (te !== undefined && !chunked) {
    await respond(conn, 400, "Bad request: unsupported Transfer-Encoding");
    return "close";
  }
  if (cl !== undefined && (!/^\d+$/.test(cl) || chunked)) {
    await respond(conn, 400, "Bad request: invalid Content-Length");
    return "close";
  }
  const connectionTokens = (header(head.headers, "connection") ?? "").toLowerCase().split(",").map((
    s,
  ) => s.trim());
  const wantsUpgrade = connectionTokens.includes("upgrade") &&
    header(head.headers, "upgrade") !== undefined;
  const clientClose = connectionTokens.includes("close") || head.version === "HTTP/1.0";
  const out: string[] = [`${head.method} ${path} HTTP/1.1`, `Host: ${m[1]}`];
  for (const [k, v] of head.headers) {
    const lower = k.toLowerCase();
    if (lower === "host" || HOP_BY_HOP.has(lower) || connectionTokens.includes(lower)) continue;
    out.push(`${k}: ${v}`);
  }
  if (wantsUpgrade) out.push(`Upgrade: ${header(head.headers, "upgrade")}`, "Connection: Upgrade");
  try {
    await writeAll(upstream.conn, latin1Bytes(out.join("\r\n") + "\r\n\r\n"));
    if (chunked) await copyChunked(ctx.reader, upstream.conn);
    else if (cl !== undefined) await copyLength(ctx.reader, upstream.conn, Number(cl));
  } catch (error) {
    if (error instanceof EarlyEof) return "close";
    await respond(conn, 502, "Bad gateway: upstream closed while sending the request");
    return "close";
  }
  // Response (skip interim 1xx except 101).
  for (;;) {
    let text: string | null;
    try {
      text = await upstream.reader.readHead(MAX_HEAD);
    } catch {
      text = null;
    }
    if (text === null) {
      await respond(conn, 502, "Bad gateway: upstream sent no valid response");
      return "close";
    }
    const lines = text.slice(0, -4).split("\r\n");
    const sm = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0]);
    const headers = sm ? parseHeaderLines(lines.slice(1)) : null;
    if (!sm || !headers) {
      await respond(conn, 502, "Bad gateway: upstream sent a malformed response");
      return "close";
    }
    const status = Number(sm[1]);
    const rte = header(headers, "transfer-encoding");
    const rcl = header(headers, "content-length");
    const rChunked = rte !== undefined && /chunked\s*$/i.test(rte);
    const upstreamClose = /(^|,)\s*close\s*(,|$)/i.test(header(headers, "connection") ?? "");
    const noBody = head.method === "HEAD" || (status >= 100 && status < 200) || status === 204 ||
      status === 304;
    const untilClose = !noBody && !rChunked && rcl === undefined;
    const keep = !clientClose && !upstreamClose && !untilClose && status !== 101;
    const resp: string[] = [lines[0]];
    const rTokens = (header(headers, "connection") ?? "").toLowerCase().split(",").map((s) =>
      s.trim()
    );
    for (const [k, v] of headers) {
      const lower = k.toLowerCase();
      if (HOP_BY_HOP.has(lower) || rTokens.includes(lower)) continue;
      resp.push(`${k}: ${v}`);
    }
    if (status === 101) {
      resp.push(`Upgrade: ${header(headers, "upgrade") ?? ""}`, "Connection: Upgrade");
    } else if (status >= 200) resp.push(`Connection: ${keep ? "keep-alive" : "close"}`);
    const headBytes = latin1Bytes(resp.join("\r\n") + "\r\n\r\n");
    const length = rcl === undefined ? -1 : Number(rcl);
    if (!noBody && !rChunked && length >= 0 && length <= upstream.reader.buffered) {
      // A small response that is already here: head and body in one write.
      const body = upstream.reader.take(length);
      const whole = new Uint8Array(headBytes.length + body.length);
      whole.set(headBytes);
      whole.set(body, headBytes.length);
      await writeAll(conn, whole);
      return keep ? upstream : "close";
    }
    await writeAll(conn, headBytes);
    if (status === 101) {
      const pending = upstream.reader.take(Infinity);
      if (pending.length) await writeAll(conn, pending);
      await tunnel(ctx, upstream.conn, ctx.reader.take(Infinity));
      return "close";
    }
    if (status >= 100 && status < 200) continue;
    if (!noBody) {
      if (rChunked) await copyChunked(upstream.reader, conn);
      else if (rcl !== undefined) await copyLength(upstream.reader, conn, Number(rcl));
      else {
        await copyUntilEof(upstream.reader, conn);
        await conn.closeWrite().catch(() => {});
      }
    }
    return keep ? upstream : "close";
  }
}

/** Copies exactly `length` body bytes; large bodies bypass the reader's buffer. */
async function copyLength(src: BufferedReader, dst: Deno.Conn, length: number): Promise<void> {
  let left = length;
  if (src.buffered > 0) {
    const piece = src.take(left);
    left -= piece.length;
    await writeAll(dst, piece);
  }
  let buf: Uint8Array | null = null;
  while (left > 0) {
    if (left <= MIN_BUFFER) {
      if (!(await src.fill())) throw new EarlyEof();
      const piece = src.take(left);
      left -= piece.length;
      await writeAll(dst, piece);
      continue;
    }
    buf ??= new Uint8Array(Math.min(MAX_BUFFER, left));
    const n = await src.readDirect(buf.subarray(0, Math.min(buf.length, left)));
    if (n === null) throw new EarlyEof();
    left -= n;
    await writeAll(dst, buf.subarray(0, n));
  }
}

async function copyUntilEof(src: BufferedReader, dst: Deno.Conn): Promise<void> {
  if (src.buffered > 0) await writeAll(dst, src.take(Infinity));
  let buf = new Uint8Array(MIN_BUFFER);
  for (;;) {
    const n = await src.readDirect(buf);
    if (n === null) return;
    await writeAll(dst, buf.subarray(0, n));
    if (n === buf.length && buf.length < MAX_BUFFER) buf = new Uint8Array(buf.length * 4);
  }
}

async function copyChunked(src: BufferedReader, dst: Deno.Conn): Promise<void> {
  for (;;) {
    const line = await src.readLine(8192);
    await writeAll(dst, line);
    const size = parseInt(new TextDecoder().decode(line).split(";")[0].trim(), 16);
    if (!Number.isFinite(size) || size < 0) throw new EarlyEof();
    if (size === 0) {
      for (;;) {
        const trailer = await src.readLine(8192);
        await writeAll(dst, trailer);
        if (trailer.length <= 2) return;
      }
    }
    await copyLength(src, dst, size + 2);
  }
}
