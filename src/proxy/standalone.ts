/**
 * `srt proxy --listen HOST:PORT`: the filtering proxy alone, on TCP, with a
 * per-run credential so other local processes cannot use it.
 * @module
 */

import type { Policy } from "../policy.ts";
import { SrtError } from "../errors.ts";
import { type ProxyEvent, type ProxyServer, startProxy } from "./proxy.ts";

/** Random credential for one proxy run. */
export function newCredential(): { username: string; password: string } {
  const hex = (n: number) =>
    Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, "0"))
      .join("");
  return { username: "srt", password: hex(16) };
}

/** Parses `127.0.0.1:PORT` / `[::1]:PORT`. @throws {SrtError} */
export function parseListen(text: string): { hostname: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[0-9.]+|localhost):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 0 || port > 65535) {
    throw new SrtError(
      `--listen "${text}" is not HOST:PORT (e.g. 127.0.0.1:8080). Nothing was run.`,
    );
  }
  return { hostname: m[1].replace(/^\[|\]$/g, ""), port };
}

/** Starts the proxy on TCP and announces its URLs (with the credential). */
export function runStandaloneProxy(
  policy: Policy,
  listen: string,
  options: { onEvent?: (e: ProxyEvent) => void; announce: (line: string) => void },
): ProxyServer {
  const { hostname, port } = parseListen(listen);
  let listener: Deno.Listener;
  try {
    listener = Deno.listen({ hostname, port, transport: "tcp" });
  } catch (error) {
    throw new SrtError(
      `Cannot listen on "${listen}": ${(error as Error).message}. Pick another port.`,
    );
  }
  const credential = newCredential();
  const server = startProxy(listener, {
    rules: policy.network,
    credential,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
  const addr = listener.addr as Deno.NetAddr;
  const host = addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname;
  const auth = `${credential.username}:${credential.password}`;
  options.announce(`srt proxy listening on ${host}:${addr.port}`);
  options.announce(`HTTP_PROXY=http://${auth}@${host}:${addr.port}`);
  options.announce(`ALL_PROXY=socks5h://${auth}@${host}:${addr.port}`);
  return server;
}
