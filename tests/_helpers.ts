/** Shared helpers for the end-to-end tests. */

import { resolvePolicy } from "../src/policy.ts";
import type { Settings } from "../src/settings.ts";
import type { PermissionFlags } from "../src/flags.ts";
import { spawnSandboxed } from "../src/sandbox.ts";
import type { SandboxEvent } from "../src/events.ts";

export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
export const CLI = `${ROOT}/cli.ts`;

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `srt` CLI as a subprocess. */
export async function runCli(
  args: string[],
  options: { cwd?: string; env?: Record<string, string>; stdin?: string } = {},
): Promise<Result> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    cwd: options.cwd,
    env: options.env,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = cmd.spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Runs argv in the sandbox in-process (the library path), output captured. */
export async function sandboxed(
  argv: string[],
  options: {
    cwd: string;
    home?: string;
    settings?: Settings;
    flags?: Partial<PermissionFlags>;
    env?: Record<string, string>;
    events?: SandboxEvent[];
  },
): Promise<Result> {
  const policy = resolvePolicy({
    settings: options.settings ?? {},
    flags: options.flags ?? {},
    cwd: options.cwd,
    home: options.home ?? options.cwd,
  });
  const env = { ...Deno.env.toObject(), HOME: options.home ?? options.cwd, ...(options.env ?? {}) };
  const p = await spawnSandboxed({
    policy,
    command: { argv },
    env,
    stdio: "piped",
    onEvent: (e) => options.events?.push(e),
  });
  const [code, out] = await Promise.all([p.status, p.child.output()]);
  const dec = new TextDecoder();
  return { code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** A fresh real directory (realpath'd) that is removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "srt-test-" }));
  try {
    return await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

export function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** A local HTTP server answering "hello <path>" on 127.0.0.1. */
export function helloServer(): { port: number; close(): Promise<void> } {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    (req) => new Response(`hello ${new URL(req.url).pathname}`),
  );
  return { port: server.addr.port, close: () => server.shutdown() };
}
