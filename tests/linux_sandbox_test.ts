/**
 * End-to-end tests of the Linux backend with real bubblewrap: every rule gets
 * an escape attempt, checked from outside the sandbox. Runs as root and (in
 * CI) again as an unprivileged user.
 */

import { deepStrictEqual, equal, match, notEqual, ok, rejects } from "node:assert/strict";
import { createSocket } from "node:dgram";
import type { SandboxEvent } from "../src/events.ts";
import { exists, helloServer, sandboxed, withTempDir } from "./_helpers.ts";

const linux = Deno.build.os === "linux";
const PY = "/usr/bin/python3";
const sh = (script: string) => ["/bin/sh", "-c", script];

Deno.test({
  name: "linux: writes land in the current directory and nowhere else",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) =>
      await withTempDir(async (outside) => {
        const r = await sandboxed(
          sh(
            `echo in > inside.txt; echo out > ${outside}/escape.txt; echo t > /tmp/srt-escape-$$; echo d > "$TMPDIR/x" && echo tmpdir-ok`,
          ),
          { cwd },
        );
        equal(Deno.readTextFileSync(`${cwd}/inside.txt`), "in\n");
        ok(!exists(`${outside}/escape.txt`), "wrote outside the allowed directory");
        match(r.stderr, /Read-only file system/);
        match(r.stdout, /tmpdir-ok/);
        const leftovers = [...Deno.readDirSync("/tmp")].filter((e) =>
          e.name.startsWith("srt-escape-")
        );
        deepStrictEqual(leftovers, []);
      })
    ),
});

Deno.test({
  name: "linux: symlink and /proc/self/root cannot write or read past a rule",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) =>
      await withTempDir(async (outside) => {
        Deno.writeTextFileSync(`${outside}/secret`, "TOPSECRET");
        Deno.symlinkSync(outside, `${cwd}/link`);
        const r = await sandboxed(
          sh(
            `echo pwn > link/new; echo pwn > /proc/self/root${outside}/new2; ln -s ${outside}/secret s2; cat s2; cat link/secret; cat /proc/self/root${outside}/secret; true`,
          ),
          { cwd, settings: { filesystem: { denyRead: [outside] } } },
        );
        ok(!exists(`${outside}/new`), "wrote through a symlink");
        ok(!exists(`${outside}/new2`), "wrote through /proc/self/root");
        ok(!r.stdout.includes("TOPSECRET"), `read a denied file: ${r.stdout}`);
      })
    ),
});

Deno.test({
  name: "linux: hardlinks to files outside cannot be made",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) =>
      await withTempDir(async (outside) => {
        Deno.writeTextFileSync(`${outside}/target`, "original");
        const r = await sandboxed(
          sh(`ln ${outside}/target ./h && echo hacked > ./h; cat ${outside}/target`),
          {
            cwd,
          },
        );
        equal(Deno.readTextFileSync(`${outside}/target`), "original");
        ok(!exists(`${cwd}/h`), `hardlink created: ${r.stderr}`);
      })
    ),
});

Deno.test({
  name: "linux: denyRead hides directories and files, allowRead re-opens, globs expand",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      Deno.mkdirSync(`${cwd}/secrets/public`, { recursive: true });
      Deno.writeTextFileSync(`${cwd}/secrets/key`, "SECRET-KEY");
      Deno.writeTextFileSync(`${cwd}/secrets/public/readme`, "PUBLIC");
      Deno.mkdirSync(`${cwd}/a/b`, { recursive: true });
      Deno.writeTextFileSync(`${cwd}/a/b/server.pem`, "PEM-DATA");
      Deno.writeTextFileSync(`${cwd}/.env`, "ENV-DATA");
      const r = await sandboxed(
        sh(
          "cat secrets/key; ls secrets; cat secrets/public/readme; cat a/b/server.pem; cat .env; echo x > secrets/key; rm -f .env; mv secrets s2; echo done",
        ),
        {
          cwd,
          settings: {
            filesystem: {
              denyRead: ["./secrets", "**/*.pem", ".env"],
              allowRead: ["secrets/public"],
            },
          },
        },
      );
      ok(!r.stdout.includes("SECRET-KEY"), r.stdout);
      ok(!r.stdout.includes("PEM-DATA"), r.stdout);
      ok(!r.stdout.includes("ENV-DATA"), r.stdout);
      match(r.stdout, /PUBLIC/);
      match(r.stdout, /done/);
      equal(Deno.readTextFileSync(`${cwd}/secrets/key`), "SECRET-KEY");
      ok(exists(`${cwd}/.env`), "a denied file was removed");
    }),
});

Deno.test({
  name: "linux: denyWrite wins inside writable dirs, also for paths that do not exist yet",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      Deno.writeTextFileSync(`${cwd}/locked.txt`, "keep");
      Deno.mkdirSync(`${cwd}/build`);
      const r = await sandboxed(
        sh(
          "echo no > locked.txt; rm -f locked.txt; mv locked.txt moved.txt; echo no > future.txt; mkdir -p build/out && echo no > build/out/x; mv build b2; echo ok > fine.txt",
        ),
        { cwd, settings: { filesystem: { denyWrite: ["locked.txt", "future.txt", "build/out"] } } },
      );
      equal(Deno.readTextFileSync(`${cwd}/locked.txt`), "keep");
      ok(!exists(`${cwd}/moved.txt`));
      ok(
        !exists(`${cwd}/future.txt`),
        "a denyWrite path was created (or its stub was left behind)",
      );
      ok(!exists(`${cwd}/build/out`), "a denyWrite dir was created (or its stub was left behind)");
      ok(exists(`${cwd}/build`), "a parent of a protected path was renamed");
      equal(Deno.readTextFileSync(`${cwd}/fine.txt`), "ok\n", r.stderr);
    }),
});

Deno.test({
  name: "linux: git hooks and config are protected, renaming .git fails, git commit works",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      const git = (args: string[]) =>
        new Deno.Command("git", { args, cwd, stdout: "null", stderr: "null" }).outputSync();
      git(["init", "-q"]);
      const config = Deno.readTextFileSync(`${cwd}/.git/config`);
      const r = await sandboxed(
        sh([
          "echo evil > .git/hooks/pre-commit",
          "echo '[core]' >> .git/config",
          "mv .git/hooks .git/h2",
          "mv .git .git-moved",
          "rm -rf .git/hooks",
          "git -c user.name=t -c user.email=t@e commit -q --allow-empty -m inside && echo committed",
        ].join("; ")),
        { cwd },
      );
      match(r.stdout, /committed/, r.stderr);
      ok(!exists(`${cwd}/.git/hooks/pre-commit`), "hook written");
      equal(Deno.readTextFileSync(`${cwd}/.git/config`), config);
      ok(exists(`${cwd}/.git/hooks`));
      ok(!exists(`${cwd}/.git-moved`), ".git was renamed");
      const log = new Deno.Command("git", { args: ["log", "--oneline"], cwd }).outputSync();
      match(new TextDecoder().decode(log.stdout), /inside/);
    }),
});

Deno.test({
  name: "linux: git worktree .git files are followed to protect the real hooks",
  ignore: !linux,
  fn: () =>
    withTempDir(async (base) => {
      const run = (args: string[], cwd: string) =>
        new Deno.Command("git", { args, cwd, stdout: "null", stderr: "null" }).outputSync();
      Deno.mkdirSync(`${base}/main`);
      run(["init", "-q"], `${base}/main`);
      run(
        ["-c", "user.name=t", "-c", "user.email=t@e", "commit", "-q", "--allow-empty", "-m", "x"],
        `${base}/main`,
      );
      run(["worktree", "add", "-q", `${base}/wt`], `${base}/main`);
      const r = await sandboxed(
        sh(
          `echo evil > ${base}/main/.git/hooks/post-checkout; echo 'gitdir: /tmp/x' > .git; echo done`,
        ),
        { cwd: `${base}/wt`, settings: { filesystem: { allowWrite: [".", `${base}/main`] } } },
      );
      match(r.stdout, /done/);
      ok(!exists(`${base}/main/.git/hooks/post-checkout`), "hook written through a worktree");
      match(Deno.readTextFileSync(`${base}/wt/.git`), /worktrees/);
    }),
});

Deno.test({
  name: "linux: mandatory protections block shell and editor files; no stubs are left behind",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      Deno.mkdirSync(`${cwd}/sub/deeper`, { recursive: true });
      Deno.mkdirSync(`${cwd}/sub/.vscode`);
      const before = [...Deno.readDirSync(cwd)].map((e) => e.name).sort();
      const r = await sandboxed(
        sh(
          "echo x > .bashrc; echo x > .mcp.json; mkdir -p .vscode && echo x > .vscode/tasks.json; mkdir -p .claude/commands; echo x > sub/.vscode/tasks.json; echo ok > sub/deeper/fine; echo done",
        ),
        { cwd },
      );
      match(r.stdout, /done/);
      const after = [...Deno.readDirSync(cwd)].map((e) => e.name).sort();
      deepStrictEqual(after, before, "protected files were created or stubs left behind");
      ok(!exists(`${cwd}/sub/.vscode/tasks.json`));
      ok(exists(`${cwd}/sub/deeper/fine`));
    }),
});

Deno.test({
  name: "linux: $HOME start-up files stay protected when $HOME is writable",
  ignore: !linux,
  fn: () =>
    withTempDir(async (home) => {
      Deno.mkdirSync(`${home}/proj`);
      Deno.writeTextFileSync(`${home}/.bashrc`, "original");
      const r = await sandboxed(
        sh("echo evil >> ~/.bashrc; echo x > ~/.zshrc; echo ok > ~/notes; echo done"),
        {
          cwd: `${home}/proj`,
          home,
          settings: { filesystem: { allowWrite: ["~"] } },
        },
      );
      match(r.stdout, /done/);
      equal(Deno.readTextFileSync(`${home}/.bashrc`), "original");
      ok(!exists(`${home}/.zshrc`));
      equal(Deno.readTextFileSync(`${home}/notes`), "ok\n");
    }),
});

Deno.test({
  name: "linux: a stub left by a killed run is removed by the next run",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      const { runBase } = await import("../src/_rundir.ts");
      const base = runBase();
      Deno.mkdirSync(base, { recursive: true, mode: 0o700 });
      const dead = `${base}/run-999999999-deadbeef`;
      Deno.mkdirSync(dead, { recursive: true });
      Deno.writeFileSync(`${cwd}/.mcp.json`, new Uint8Array(), { mode: 0o444 });
      Deno.chmodSync(`${cwd}/.mcp.json`, 0o444);
      Deno.writeTextFileSync(`${dead}/stubs.json`, JSON.stringify([`${cwd}/.mcp.json`]));
      await sandboxed(["true"], { cwd });
      ok(!exists(`${cwd}/.mcp.json`), "stale stub kept");
      ok(!exists(dead), "stale run dir kept");
    }),
});

Deno.test({
  name: "linux: no direct network: raw TCP, curl --noproxy, UDP all fail",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      const hello = helloServer();
      const udp = createSocket("udp4");
      let gotUdp = false;
      udp.on("message", () => gotUdp = true);
      await new Promise<void>((res) => udp.bind(0, "127.0.0.1", res));
      const udpPort = udp.address().port;
      try {
        const r = await sandboxed(
          sh([
            `curl -s --max-time 3 --noproxy '*' http://127.0.0.1:${hello.port}/direct; echo curl=$?`,
            `${PY} -c "import socket; s=socket.create_connection(('127.0.0.1', ${hello.port}), 2); print('CONNECTED')"; echo tcp=$?`,
            `${PY} -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b'x', ('127.0.0.1', ${udpPort})); print('SENT')"`,
            `${PY} -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.sendto(b'x', ('8.8.8.8', 53))"; echo udp-out=$?`,
          ].join("; ")),
          { cwd, flags: { allowNet: ["127.0.0.1"] } },
        );
        ok(!r.stdout.includes("hello /direct"), "curl --noproxy reached the host");
        ok(!r.stdout.includes("CONNECTED"), "raw TCP reached the host");
        notEqual(r.stdout.match(/curl=(\d+)/)?.[1], "0");
        await new Promise((res) => setTimeout(res, 200));
        ok(!gotUdp, "UDP reached the host");
        match(r.stdout, /udp-out=1/);
      } finally {
        udp.close();
        await hello.close();
      }
    }),
});

Deno.test({
  name: "linux: unix sockets to host servers are refused by seccomp",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) =>
      await withTempDir(async (sockDir) => {
        const path = `${sockDir}/host.sock`;
        const listener = Deno.listen({ transport: "unix", path });
        let accepted = false;
        (async () => {
          try {
            const c = await listener.accept();
            accepted = true;
            c.close();
          } catch {
            // closed
          }
        })();
        try {
          const r = await sandboxed(
            sh(
              `${PY} -c "import socket; s=socket.socket(socket.AF_UNIX); s.connect('${path}'); print('UNIX-OK')"; echo py=$?; socat -u OPEN:/dev/null UNIX-CONNECT:${path}; echo socat=$?`,
            ),
            { cwd },
          );
          ok(!r.stdout.includes("UNIX-OK"));
          match(r.stderr, /Operation not permitted/);
          await new Promise((res) => setTimeout(res, 100));
          ok(!accepted, "a unix socket connection reached the host");
        } finally {
          listener.close();
        }
      })
    ),
});

Deno.test({
  name: "linux: allowAllUnixSockets lets the command use unix sockets",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      const r = await sandboxed(
        [
          PY,
          "-c",
          "import socket; a,b=socket.socketpair(); s=socket.socket(socket.AF_UNIX); print('UNIX-OK')",
        ],
        { cwd, settings: { network: { allowAllUnixSockets: true } } },
      );
      match(r.stdout, /UNIX-OK/, r.stderr);
    }),
});

Deno.test({
  name: "linux: the proxy is reachable at once and filters by domain; events are recorded",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      const hello = helloServer();
      const events: SandboxEvent[] = [];
      try {
        const r = await sandboxed(
          sh([
            `curl -s --noproxy '' http://127.0.0.1:${hello.port}/first`,
            `curl -s -p --noproxy '' http://127.0.0.1:${hello.port}/connect`,
            `curl -s --noproxy '' -x "$ALL_PROXY" http://127.0.0.1:${hello.port}/socks`,
            `curl -s -o /dev/null -w '%{http_code}' http://blocked.example/`,
            `echo; echo "$HTTPS_PROXY $NO_PROXY"`,
          ].join("; ")),
          { cwd, flags: { allowNet: ["127.0.0.1"] }, events },
        );
        match(r.stdout, /hello \/first/, r.stderr);
        match(r.stdout, /hello \/connect/);
        match(r.stdout, /hello \/socks/);
        match(r.stdout, /403/);
        match(r.stdout, /http:\/\/127\.0\.0\.1:3128 localhost,127\.0\.0\.1,::1/);
        const net = events.filter((e) => e.kind === "network");
        ok(net.some((e) => e.host === "blocked.example" && !e.allowed));
        ok(net.some((e) => e.host === "127.0.0.1" && e.allowed && e.protocol === "socks5"));
      } finally {
        await hello.close();
      }
    }),
});

Deno.test({
  name: "linux: without allowed domains there is no proxy and no network at all",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      const r = await sandboxed(
        sh("echo ${HTTP_PROXY:-none}; curl -s --max-time 2 http://127.0.0.1:3128/; echo rc=$?"),
        {
          cwd,
        },
      );
      match(r.stdout, /^none/);
      match(r.stdout, /rc=7/);
    }),
});

Deno.test({
  name: "linux: host processes are invisible: /proc/<pid>/environ and kill fail",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      const secret = new Deno.Command("sleep", {
        args: ["30"],
        env: { SRT_TEST_SECRET: "HOST-ENV-SECRET" },
      }).spawn();
      try {
        const r = await sandboxed(
          sh(
            `cat /proc/${secret.pid}/environ; kill -0 ${secret.pid} && echo can-signal; ls /proc | grep -c '^[0-9]'`,
          ),
          { cwd },
        );
        ok(!r.stdout.includes("HOST-ENV-SECRET"));
        ok(!r.stdout.includes("can-signal"));
        ok(
          Number(r.stdout.trim().split("\n").pop()) < 10,
          `too many processes visible: ${r.stdout}`,
        );
      } finally {
        secret.kill();
        await secret.status;
      }
    }),
});

Deno.test({
  name: "linux: no orphan survives the command",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      const marker = `srt-orphan-${crypto.randomUUID()}`;
      const r = await sandboxed(
        sh(
          `setsid bash -c 'exec -a ${marker} sleep 60' </dev/null >/dev/null 2>&1 & sleep 0.3; pgrep -f ${marker} >/dev/null && echo orphan-running`,
        ),
        { cwd },
      );
      match(
        r.stdout,
        /orphan-running/,
        "the orphan never started, so this test would prove nothing",
      );
      await new Promise((r) => setTimeout(r, 300));
      const ps = new Deno.Command("pgrep", { args: ["-f", marker] }).outputSync();
      equal(new TextDecoder().decode(ps.stdout).trim(), "", "an orphan is still running");
    }),
});

Deno.test({
  name: "linux: seccomp refuses new user namespaces and TIOCSTI; caps are dropped",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      const r = await sandboxed(
        sh([
          "unshare -U true; echo userns=$?",
          `${PY} -c "import fcntl, termios; fcntl.ioctl(0, termios.TIOCSTI, b'x')" 2>&1 | grep -o 'Operation not permitted'`,
          "grep CapEff /proc/self/status",
        ].join("; ")),
        { cwd },
      );
      match(r.stdout, /userns=1/);
      match(r.stdout, /Operation not permitted/);
      match(r.stdout, /CapEff:\s+0000000000000000/);
    }),
});

Deno.test({
  name: "linux: exit codes and signal deaths propagate",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      equal((await sandboxed(sh("exit 7"), { cwd })).code, 7);
      equal((await sandboxed(sh("kill -TERM $$"), { cwd })).code, 143);
      equal((await sandboxed(sh("kill -KILL $$"), { cwd })).code, 137);
      equal(
        (await sandboxed(["definitely-not-a-command-xyz"], { cwd, env: { PATH: "/usr/bin:/bin" } }))
          .code,
        127,
      );
    }),
});

Deno.test({
  name: "linux: argv is passed exactly, with no shell re-parsing",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      const args = ["a b", "$HOME", "'q'", "*", "; rm -rf /", ""];
      const r = await sandboxed([
        PY,
        "-c",
        "import sys, json; print(json.dumps(sys.argv[1:]))",
        ...args,
      ], { cwd });
      deepStrictEqual(JSON.parse(r.stdout), args);
    }),
});

Deno.test({
  name: "linux: allowLocalBinding lets servers inside listen on their own loopback; off by default",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      const serve = sh(
        `${PY} -m http.server 8765 --bind 127.0.0.1 >/dev/null 2>&1 & for i in $(seq 50); do curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8765/ && break; sleep 0.1; done; echo; kill %1`,
      );
      const on = await sandboxed(serve, {
        cwd,
        settings: { network: { allowLocalBinding: true } },
      });
      match(on.stdout, /200/);
      const off = await sandboxed(
        [PY, "-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 8766)); s.listen()"],
        { cwd },
      );
      match(off.stderr, /Operation not permitted/);
    }),
});

Deno.test({
  name: "linux: npm reaches a registry through the proxy",
  ignore: !linux || !exists("/usr/bin/npm"),
  fn: () =>
    withTempDir(async (cwd) => {
      const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
        const name = decodeURIComponent(new URL(req.url).pathname.slice(1));
        return Response.json({
          name,
          "dist-tags": { latest: "1.2.3" },
          versions: { "1.2.3": { name, version: "1.2.3", description: "served locally" } },
        });
      });
      try {
        const r = await sandboxed(
          // An IPv4-mapped address is not in NO_PROXY, so npm sends it to the proxy,
          // which canonicalises it to the allowed 127.0.0.1.
          [
            "npm",
            "view",
            "srt-local-pkg",
            "description",
            `--registry=http://[::ffff:127.0.0.1]:${server.addr.port}/`,
            "--fetch-retries=0",
          ],
          {
            cwd,
            flags: { allowNet: ["127.0.0.1"] },
            env: { npm_config_cache: `${cwd}/.npm-cache` },
          },
        );
        match(r.stdout, /served locally/, r.stderr);
      } finally {
        await server.shutdown();
      }
    }),
});

Deno.test({
  name: "linux: enableWeakerNestedSandbox still enforces filesystem and network rules",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) =>
      await withTempDir(async (outside) => {
        const r = await sandboxed(
          sh(
            `echo ok > in.txt; echo no > ${outside}/x; curl -s --max-time 2 --noproxy '*' http://127.0.0.1:9/; echo curl=$?`,
          ),
          { cwd, settings: { enableWeakerNestedSandbox: true } },
        );
        ok(exists(`${cwd}/in.txt`));
        ok(!exists(`${outside}/x`));
        match(r.stdout, /curl=7/);
      })
    ),
});

Deno.test({
  name: "linux: submodule hooks inside .git/modules are protected too",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      new Deno.Command("git", { args: ["init", "-q"], cwd }).outputSync();
      for (const repo of ["lib", "vendor/nested/sub"]) {
        Deno.mkdirSync(`${cwd}/.git/modules/${repo}/hooks`, { recursive: true });
        Deno.writeTextFileSync(`${cwd}/.git/modules/${repo}/HEAD`, "ref: refs/heads/main\n");
        Deno.writeTextFileSync(`${cwd}/.git/modules/${repo}/config`, "[core]\n");
      }
      const r = await sandboxed(
        sh([
          "echo evil > .git/modules/lib/hooks/post-checkout",
          "echo x >> .git/modules/lib/config",
          "echo evil > .git/modules/vendor/nested/sub/hooks/post-checkout",
          "echo done",
        ].join("; ")),
        { cwd },
      );
      match(r.stdout, /done/);
      ok(!exists(`${cwd}/.git/modules/lib/hooks/post-checkout`));
      ok(!exists(`${cwd}/.git/modules/vendor/nested/sub/hooks/post-checkout`));
      equal(Deno.readTextFileSync(`${cwd}/.git/modules/lib/config`), "[core]\n");
    }),
});

Deno.test({
  name: "linux: srt's own run directory is read-only inside, except TMPDIR",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      const r = await sandboxed(
        sh(
          'd=$(dirname "$TMPDIR"); echo x > "$d/stubs.json" && echo wrote-record; echo y > "$TMPDIR/ok" && echo wrote-tmp',
        ),
        { cwd },
      );
      ok(!r.stdout.includes("wrote-record"), r.stdout);
      match(r.stdout, /wrote-tmp/);
    }),
});

Deno.test({
  name: "linux: git's ssh goes through the proxy (GIT_SSH_COMMAND)",
  ignore: !linux || !exists("/usr/bin/ssh"),
  fn: () =>
    withTempDir(async (cwd) => {
      // A fake ssh server: it only records the client's banner.
      const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      let banner = "";
      (async () => {
        for await (const c of l) {
          const buf = new Uint8Array(256);
          const n = await c.read(buf).catch(() => null);
          banner = new TextDecoder().decode(buf.subarray(0, n ?? 0));
          c.close();
        }
      })().catch(() => {});
      try {
        const port = (l.addr as Deno.NetAddr).port;
        await sandboxed(
          sh(
            // git runs the variable through a shell, as eval does here
            `eval "$GIT_SSH_COMMAND -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -p ${port} git@127.0.0.1 true"`,
          ),
          { cwd, flags: { allowNet: ["127.0.0.1"] } },
        );
        match(banner, /^SSH-2\.0-/);
      } finally {
        l.close();
      }
    }),
});

Deno.test({
  name: "linux: a parent of a read-denied path cannot be renamed to unhide it for the next run",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      Deno.mkdirSync(`${cwd}/conf/keys`, { recursive: true });
      Deno.writeTextFileSync(`${cwd}/conf/keys/id`, "KEY-MATERIAL");
      Deno.writeTextFileSync(`${cwd}/conf/token`, "TOKEN");
      const settings = { filesystem: { denyRead: ["conf/keys", "conf/token"] } };
      await sandboxed(sh("mv conf moved; mv conf/keys conf/k2; true"), { cwd, settings });
      ok(exists(`${cwd}/conf/keys/id`), "a parent of a read-denied path was renamed");
      const r = await sandboxed(sh("cat moved/keys/id conf/k2/id conf/keys/id conf/token; true"), {
        cwd,
        settings,
      });
      ok(!r.stdout.includes("KEY-MATERIAL") && !r.stdout.includes("TOKEN"), r.stdout);
    }),
});

Deno.test({
  name:
    "linux: a dangling symlink planted at a protected path neither breaks srt nor lets writes through",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      Deno.mkdirSync(`${cwd}/sub`);
      Deno.symlinkSync(`${cwd}/elsewhere.json`, `${cwd}/.mcp.json`);
      Deno.symlinkSync("/nonexistent-srt-target", `${cwd}/sub/.vscode`);
      const r = await sandboxed(sh("echo evil > .mcp.json; echo ok > fine; echo done"), { cwd });
      equal(r.code, 0, r.stderr);
      match(r.stdout, /done/);
      ok(!exists(`${cwd}/elsewhere.json`), "wrote through a symlink at a protected path");
      ok(exists(`${cwd}/fine`));
    }),
});

Deno.test({
  name: "linux: pinning a read-denied path's parents never makes a write-denied directory writable",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      Deno.mkdirSync(`${cwd}/conf/a/keys`, { recursive: true });
      Deno.writeTextFileSync(`${cwd}/conf/a/keys/id`, "KEY");
      const r = await sandboxed(
        sh("echo x > conf/a/new; echo y > conf/new; cat conf/a/keys/id; true"),
        {
          cwd,
          settings: { filesystem: { denyWrite: ["conf"], denyRead: ["conf/a/keys"] } },
        },
      );
      ok(!exists(`${cwd}/conf/a/new`), "wrote inside a write-denied directory");
      ok(!exists(`${cwd}/conf/new`));
      ok(!r.stdout.includes("KEY"));
    }),
});

Deno.test({
  name: "linux: denying srt's own state directory does not break the sandbox or its network",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      const { runBase } = await import("../src/_rundir.ts");
      const hello = helloServer();
      try {
        const r = await sandboxed(
          sh(
            `echo t > "$TMPDIR/x" && echo tmp-ok; curl -s --noproxy '' http://127.0.0.1:${hello.port}/through`,
          ),
          {
            cwd,
            settings: {
              filesystem: { denyRead: [runBase()] },
              network: { allowedDomains: ["127.0.0.1"] },
            },
          },
        );
        equal(r.code, 0, r.stderr);
        match(r.stdout, /tmp-ok/);
        match(r.stdout, /hello \/through/);
      } finally {
        await hello.close();
      }
    }),
});

Deno.test({
  name: "linux: a glob over a large tree costs one mount per top match, not per file",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) =>
      await withTempDir(async (cache) => {
        for (let i = 0; i < 50; i++) {
          Deno.mkdirSync(`${cache}/pkg${i}/deep`, { recursive: true });
          for (let j = 0; j < 20; j++) Deno.writeTextFileSync(`${cache}/pkg${i}/deep/f${j}`, "x");
        }
        const { planMounts } = await import("../src/linux/mounts.ts");
        const { resolvePolicy } = await import("../src/policy.ts");
        const policy = resolvePolicy({
          settings: { filesystem: { allowWrite: [".", `${cache}/**`] } },
          cwd,
          home: cwd,
        });
        const plan = planMounts(policy, { forcedReadOnly: [], forcedWritable: [] });
        const binds = plan.args.filter((a) => a === "--bind").length;
        ok(binds <= 52, `${binds} binds for 50 top-level matches`);
        const r = await sandboxed(sh(`echo ok > ${cache}/pkg7/deep/f3 && echo wrote`), {
          cwd,
          settings: { filesystem: { allowWrite: [".", `${cache}/**`] } },
        });
        match(r.stdout, /wrote/);
      })
    ),
});

Deno.test({
  name: "linux: a current directory hidden by denyRead is a clear srt error",
  ignore: !linux,
  fn: () =>
    withTempDir(async (base) => {
      Deno.mkdirSync(`${base}/proj`);
      await rejects(
        () =>
          sandboxed(["true"], {
            cwd: `${base}/proj`,
            settings: { filesystem: { denyRead: [base] } },
          }),
        /current directory .* is hidden by a denyRead rule/,
      );
    }),
});

Deno.test({
  name: "linux: denyRead inside an allowRead inside a denyRead stays hidden",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      Deno.mkdirSync(`${cwd}/d/r/d2`, { recursive: true });
      Deno.writeTextFileSync(`${cwd}/d/top`, "TOP");
      Deno.writeTextFileSync(`${cwd}/d/r/open`, "OPEN");
      Deno.writeTextFileSync(`${cwd}/d/r/d2/inner`, "INNER");
      const r = await sandboxed(sh("cat d/top d/r/open d/r/d2/inner; true"), {
        cwd,
        settings: { filesystem: { denyRead: ["d", "d/r/d2"], allowRead: ["d/r"] } },
      });
      ok(!r.stdout.includes("TOP"));
      match(r.stdout, /OPEN/);
      ok(!r.stdout.includes("INNER"), r.stdout);
    }),
});

Deno.test({
  name:
    "linux: protected paths in directories the user cannot write need no stub and do not break srt",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      // A directory its owner may not write (root may, so as root this only checks cleanup).
      Deno.mkdirSync(`${cwd}/foreign/.git/hooks`, { recursive: true });
      Deno.writeTextFileSync(`${cwd}/foreign/.git/HEAD`, "ref: refs/heads/main\n");
      Deno.chmodSync(`${cwd}/foreign/.git`, 0o555);
      try {
        const r = await sandboxed(sh("echo done"), { cwd });
        match(r.stdout, /done/, r.stderr);
        ok(!exists(`${cwd}/foreign/.git/config`), "a stub was left behind");
      } finally {
        Deno.chmodSync(`${cwd}/foreign/.git`, 0o755);
      }
    }),
});

Deno.test({
  name:
    "linux: the command cannot ptrace any other process in the sandbox (relays, bwrap) to shed seccomp",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      const probe = [
        "import ctypes, os",
        "libc = ctypes.CDLL(None, use_errno=True)",
        "me = os.getpid()",
        "seen = []",
        "for name in os.listdir('/proc'):",
        "    if not name.isdigit() or int(name) == me: continue",
        "    pid = int(name)",
        "    try: comm = open(f'/proc/{pid}/comm').read().strip()",
        "    except Exception: continue",
        "    if libc.ptrace(0x4206, pid, 0, 0) == 0:  # PTRACE_SEIZE: does not stop the target",
        "        libc.ptrace(17, pid, 0, 0)",
        "        print('ATTACHED', pid, comm)",
        "    seen.append(comm)",
        "print('SEEN', ' '.join(sorted(seen)))",
      ].join("\n");
      for (const flags of [{}, { allowNet: ["example.com"] }]) {
        const r = await sandboxed([PY, "-c", probe], { cwd, flags });
        ok(!r.stdout.includes("ATTACHED"), `${JSON.stringify(flags)}: ${r.stdout}`);
        match(r.stdout, /SEEN .*bwrap/, "there were processes to try");
      }
    }),
});

Deno.test({
  name: "linux: httpProxyPort/socksProxyPort send the command to an external proxy instead",
  ignore: !linux,
  fn: () =>
    withTempDir(async (cwd) => {
      const { startProxy } = await import("../src/proxy/proxy.ts");
      const { parseDomainPattern } = await import("../src/domain.ts");
      const hello = helloServer();
      const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
      const seen: string[] = [];
      const external = startProxy(listener, {
        rules: { allow: [parseDomainPattern("127.0.0.1")], deny: [], allowAll: false },
        onEvent: (e) => seen.push(`${e.protocol} ${e.host}`),
      });
      const port = (listener.addr as Deno.NetAddr).port;
      try {
        const r = await sandboxed(
          sh(
            `curl -s --noproxy '' http://127.0.0.1:${hello.port}/ext; echo; curl -s --noproxy '' -x "$ALL_PROXY" http://127.0.0.1:${hello.port}/ext-socks`,
          ),
          { cwd, settings: { network: { httpProxyPort: port, socksProxyPort: port } } },
        );
        match(r.stdout, /hello \/ext\n/, r.stderr);
        match(r.stdout, /hello \/ext-socks/);
        deepStrictEqual(seen, ["http 127.0.0.1", "socks5 127.0.0.1"]);
      } finally {
        await external.close();
        await hello.close();
      }
    }),
});
