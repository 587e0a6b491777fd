import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { spawnMacos } from "./runner.ts";
import { resolvePolicy } from "../policy.ts";
import type { SandboxEvent } from "../events.ts";

/** A stand-in for /usr/bin/sandbox-exec that logs its arguments and runs the command unsandboxed. */
function fakeSandboxExec(dir: string): string {
  const path = `${dir}/sandbox-exec`;
  Deno.writeTextFileSync(
    path,
    `#!/bin/sh
log="$FAKE_SANDBOX_LOG"
: > "$log"
for a in "$@"; do printf '%s\\0' "$a" >> "$log"; done
while [ $# -gt 0 ]; do
  case "$1" in
    -p|-D) shift 2 ;;
    *) break ;;
  esac
done
exec "$@"
`,
  );
  Deno.chmodSync(path, 0o755);
  return path;
}

async function run(argv: string[], settings = {}, flags = {}) {
  const dir = Deno.realPathSync(Deno.makeTempDirSync());
  const log = `${dir}/args`;
  const events: SandboxEvent[] = [];
  const policy = resolvePolicy({ settings, flags, cwd: dir, home: dir });
  const p = await spawnMacos(
    {
      policy,
      command: { argv },
      env: { PATH: "/usr/bin:/bin", FAKE_SANDBOX_LOG: log, HOME: dir },
      stdio: "piped",
      onEvent: (e) => events.push(e),
    },
    { sandboxExec: fakeSandboxExec(dir), monitor: false },
  );
  return { p, dir, log, events };
}

Deno.test("macOS runner: argv, profile and -D parameters reach sandbox-exec; exit codes propagate", async () => {
  const { p, dir, log } = await run(["/bin/sh", "-c", "exit 9"]);
  equal(await p.status, 9);
  await p.child.output();
  const args = Deno.readTextFileSync(log).split("\0").slice(0, -1);
  equal(args[0], "-p");
  match(args[1], /^\(version 1\)\n\(deny default \(with message "srt-[0-9a-f]+"\)\)/);
  ok(args.includes("-D"));
  deepStrictEqual(args.slice(-3), ["/bin/sh", "-c", "exit 9"]);
  ok(
    args.some((a) => a.endsWith(`=/private${dir}`)),
    "cwd passed as a parameter (in /private form)",
  );
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("macOS runner: signals reach the command; deaths by signal become 128+N", async () => {
  const { p, dir } = await run([
    "/bin/sh",
    "-c",
    "trap 'exit 42' TERM; while :; do sleep 0.05; done",
  ]);
  await new Promise((r) => setTimeout(r, 300));
  p.kill("SIGTERM");
  equal(await p.status, 42);
  await p.child.output();
  const k = await run(["/bin/sleep", "30"]);
  await new Promise((r) => setTimeout(r, 100));
  k.p.kill("SIGKILL");
  equal(await k.p.status, 137);
  await k.p.child.output();
  Deno.removeSync(dir, { recursive: true });
  Deno.removeSync(k.dir, { recursive: true });
});

Deno.test("macOS runner: the command gets proxy variables with a credential and a private TMPDIR", async () => {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("via proxy"),
  );
  try {
    const { p, dir, events } = await run(
      [
        "/bin/sh",
        "-c",
        `echo "$HTTPS_PROXY|$ALL_PROXY|$TMPDIR"; curl -s --noproxy '' http://127.0.0.1:${server.addr.port}/`,
      ],
      {},
      { allowNet: ["127.0.0.1"] },
    );
    const [code, out] = await Promise.all([p.status, p.child.output()]);
    equal(code, 0);
    const text = new TextDecoder().decode(out.stdout);
    match(
      text,
      /^http:\/\/srt:[0-9a-f]{32}@127\.0\.0\.1:\d+\|socks5h:\/\/srt:[0-9a-f]{32}@127\.0\.0\.1:\d+\|\/tmp\/srt-[^|]+\/tmp\n/,
    );
    match(text, /via proxy$/);
    ok(events.some((e) => e.kind === "network" && e.allowed));
    Deno.removeSync(dir, { recursive: true });
  } finally {
    await server.shutdown();
  }
});
