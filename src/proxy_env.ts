/**
 * Environment variables that make common tools use srt's proxy.
 * @module
 */

/** Where the proxy is reachable from inside the sandbox. */
export interface ProxyEndpoints {
  /** HTTP proxy URL, e.g. `http://127.0.0.1:3128` (may carry credentials). */
  readonly http: string;
  /** SOCKS5 proxy URL, e.g. `socks5h://127.0.0.1:1080` (may carry credentials). */
  readonly socks: string;
  /** `host:port` of the HTTP proxy, for tools that take no URL. */
  readonly httpHostPort: string;
}

/** Hosts that never go through the proxy (the sandbox's own loopback). */
export const NO_PROXY = "localhost,127.0.0.1,::1";

/**
 * The variables set for the command: curl, wget, git, pip, npm, yarn, Deno,
 * Go, Python requests, Node >= 24 (NODE_USE_ENV_PROXY), rsync, and ssh for
 * git (through the HTTP proxy with CONNECT).
 */
export function proxyEnv(p: ProxyEndpoints): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"]) env[name] = p.http;
  for (const name of ["ALL_PROXY", "all_proxy", "FTP_PROXY", "ftp_proxy"]) env[name] = p.socks;
  env.NO_PROXY = env.no_proxy = NO_PROXY;
  env.npm_config_proxy = env.npm_config_https_proxy = p.http;
  env.YARN_HTTP_PROXY = env.YARN_HTTPS_PROXY = p.http;
  env.PIP_PROXY = p.http;
  env.NODE_USE_ENV_PROXY = "1";
  env.RSYNC_PROXY = p.httpHostPort;
  const [host, port] = [
    p.httpHostPort.slice(0, p.httpHostPort.lastIndexOf(":")),
    p.httpHostPort.split(":").pop(),
  ];
  env.GIT_SSH_COMMAND = `ssh -o ProxyCommand='socat - PROXY:${host}:%h:%p,proxyport=${port}'`;
  return env;
}
