/** The `srt` command run as a real subprocess: exit codes, messages, fail-closed behaviour. */

import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { CLI, exists, helloServer, runCli, withTempDir } from "./_helpers.ts";
import { VERSION } from "../src/version.ts";

const linux = Deno.build.os === "linux";
const baseEnv = () => ({
  PATH: "/usr/local/bin:/usr/bin:/bin",
  HOME: Deno.env.get("HOME") ?? "/root",
});

Deno.test("cli: --version matches deno.json, --help shows usage", async () => {
  const denoJson = JSON.parse(Deno.readTextFileSync(new URL("../deno.json", import.meta.url)));
  equal(VERSION, denoJson.version);
  const v = await runCli(["--version"]);
  equal(v.code, 0);
  equal(v.stdout.trim(), `srt ${VERSION}`);
  const h = await runCli(["--help"]);
  equal(h.code, 0);
  match(h.stdout, /--allow-net\[=host,\.\.\.\]/);
});

Deno.test("cli: bad input stops srt with 125 and a clear message; nothing runs", async () => {
  await withTempDir(async (dir) => {
    const marker = `${dir}/ran`;
    const cmd = ["sh", "-c", `touch ${marker}`];
    Deno.writeTextFileSync(`${dir}/bad.json`, `{"network": {"allowedDomains": ["http://x.com"]}}`);
    Deno.writeTextFileSync(`${dir}/syntax.json`, `{"network": `);
    Deno.writeTextFileSync(`${dir}/empty.json`, ``);
    const cases: Array<[string[], RegExp]> = [
      [
        ["-s", `${dir}/bad.json`, ...cmd],
        /bad\.json:1:33 network\.allowedDomains\[0\]: "http:\/\/x\.com" is not a domain pattern \(drop the scheme\)/,
      ],
      [["-s", `${dir}/syntax.json`, ...cmd], /syntax\.json:1:13: invalid JSONC/],
      [["-s", `${dir}/empty.json`, ...cmd], /is empty/],
      [["-s", `${dir}/missing.json`, ...cmd], /missing\.json" does not exist/],
      [["--bogus", ...cmd], /Unknown option "--bogus"/],
      [["--allow-net=*.com", ...cmd], /--allow-net\[0\]: "\*\.com" is too broad/],
      [["--allow-write", ...cmd], /needs a list/],
      [[], /No command given/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(args, { cwd: dir, env: baseEnv() });
      equal(r.code, 125, `${args.join(" ")}: ${r.stderr}`);
      match(r.stderr, re);
      match(r.stderr, /^srt: /);
      ok(!exists(marker), `the command ran for ${args.join(" ")}`);
    }
  });
});

Deno.test({
  name: "cli: --settings=~/file expands ~",
  ignore: !linux,
  fn: () =>
    withTempDir(async (home) => {
      Deno.writeTextFileSync(`${home}/custom.json`, `{"network": {"allowedDomain": []}}`);
      const r = await runCli(["--settings=~/custom.json", "true"], {
        cwd: home,
        env: { ...baseEnv(), HOME: home },
      });
      equal(r.code, 0, r.stderr);
      match(r.stderr, /custom\.json:1:14 network\.allowedDomain: unknown key/);
    }),
});

Deno.test("cli: an invalid settings file at the default path also fails closed", async () => {
  await withTempDir(async (home) => {
    Deno.writeTextFileSync(`${home}/.srt-settings.json`, `{"filesystem": {"denyRead": "~/.ssh"}}`);
    const r = await runCli(["sh", "-c", `touch ${home}/ran`], {
      cwd: home,
      env: { ...baseEnv(), HOME: home },
    });
    equal(r.code, 125);
    match(r.stderr, /\.srt-settings\.json:1:29 filesystem\.denyRead: expected an array/);
    ok(!exists(`${home}/ran`));
  });
});

Deno.test({
  name: "cli: unknown settings keys warn but run; the default file is used",
  ignore: !linux,
  fn: () =>
    withTempDir(async (home) => {
      Deno.writeTextFileSync(`${home}/.srt-settings.json`, `{"network": {"allowedDomain": []}}`);
      const r = await runCli(["sh", "-c", "echo ran"], {
        cwd: home,
        env: { ...baseEnv(), HOME: home },
      });
      equal(r.code, 0, r.stderr);
      match(
        r.stderr,
        /warning: .*network\.allowedDomain: unknown key, ignored \(did you mean "allowedDomains"\?\)/,
      );
      equal(r.stdout, "ran\n");
    }),
});

Deno.test({
  name: "cli: missing bubblewrap or socat is reported with what to install; nothing runs",
  ignore: !linux,
  fn: () =>
    withTempDir(async (dir) => {
      const r = await runCli(["sh", "-c", `touch ${dir}/ran`], {
        cwd: dir,
        env: { PATH: `${dir}/nothing`, HOME: dir },
      });
      equal(r.code, 125);
      match(r.stderr, /bubblewrap \(bwrap\) is not installed.*apt-get install bubblewrap/);
      Deno.mkdirSync(`${dir}/bin`);
      Deno.symlinkSync("/usr/bin/bwrap", `${dir}/bin/bwrap`);
      Deno.symlinkSync("/bin/sh", `${dir}/bin/sh`);
      const s = await runCli(["--allow-net=example.com", "/bin/touch", `${dir}/ran`], {
        cwd: dir,
        env: { PATH: `${dir}/bin`, HOME: dir },
      });
      equal(s.code, 125);
      match(s.stderr, /socat is not installed/);
      ok(!exists(`${dir}/ran`));
    }),
});

Deno.test({
  name: "cli: exit status, -c shell strings, argv after the command untouched",
  ignore: !linux,
  fn: () =>
    withTempDir(async (dir) => {
      equal((await runCli(["sh", "-c", "exit 3"], { cwd: dir, env: baseEnv() })).code, 3);
      equal((await runCli(["sh", "-c", "kill -INT $$"], { cwd: dir, env: baseEnv() })).code, 130);
      const c = await runCli(
        ["-c", "echo $((6*7)) | tr 4 X; [[ -n $BASH_VERSION ]] && echo bash"],
        {
          cwd: dir,
          env: baseEnv(),
        },
      );
      equal(c.stdout, "X2\nbash\n");
      const e = await runCli(["echo", "-d", "--allow-net", "$HOME"], { cwd: dir, env: baseEnv() });
      equal(e.stdout, "-d --allow-net $HOME\n");
    }),
});

async function signalCase(signal: Deno.Signal, code: number) {
  await withTempDir(async (dir) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        CLI,
        "sh",
        "-c",
        `trap 'echo got > got-signal; exit ${code}' ${
          signal.slice(3)
        }; echo ready > ready; while :; do sleep 0.05; done`,
      ],
      cwd: dir,
      env: baseEnv(),
      stdout: "null",
      stderr: "piped",
    }).spawn();
    for (let i = 0; i < 200 && !exists(`${dir}/ready`); i++) {
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill(signal);
    const status = await child.output();
    equal(status.code, code, new TextDecoder().decode(status.stderr));
    ok(exists(`${dir}/got-signal`), "the command did not receive the signal");
  });
}

Deno.test({
  name: "cli: SIGTERM is forwarded to the command",
  ignore: !linux,
  fn: () => signalCase("SIGTERM", 42),
});
Deno.test({
  name: "cli: SIGINT is forwarded to the command",
  ignore: !linux,
  fn: () => signalCase("SIGINT", 43),
});
Deno.test({
  name: "cli: SIGHUP is forwarded to the command",
  ignore: !linux,
  fn: () => signalCase("SIGHUP", 44),
});

Deno.test({
  name: "cli: an interactive tty passes through (python3 REPL under script)",
  ignore: !linux,
  fn: () =>
    withTempDir(async (dir) => {
      const inner = `${Deno.execPath()} run -A ${CLI} /usr/bin/python3 -i -q`;
      const r = await runCli([], {}).catch(() => null); // warm the module cache
      void r;
      const out = await new Deno.Command("script", {
        args: ["-qec", inner, "/dev/null"],
        cwd: dir,
        env: baseEnv(),
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const w = out.stdin.getWriter();
      await w.write(
        new TextEncoder().encode(
          "import sys; print('TTY', sys.stdin.isatty(), sys.stdout.isatty())\n",
        ),
      );
      await new Promise((res) => setTimeout(res, 1500));
      await w.write(new TextEncoder().encode("exit()\n"));
      await w.close();
      const o = await out.output();
      match(new TextDecoder().decode(o.stdout), /TTY True True/);
    }),
});

Deno.test({
  name: "cli: --debug shows the policy, the sandbox command and network decisions",
  ignore: !linux,
  fn: () =>
    withTempDir(async (dir) => {
      const hello = helloServer();
      try {
        const r = await runCli(
          [
            "-d",
            "--allow-net=127.0.0.1",
            "curl",
            "-s",
            "--noproxy",
            "",
            `http://127.0.0.1:${hello.port}/dbg`,
          ],
          { cwd: dir, env: baseEnv() },
        );
        equal(r.stdout, "hello /dbg");
        match(r.stderr, /srt: policy: \{/);
        match(r.stderr, /srt: command: \/usr\/bin\/bwrap /);
        match(r.stderr, /srt: network allowed http 127\.0\.0\.1:\d+/);
        const all = await runCli(["-d", "--allow-net", "true"], { cwd: dir, env: baseEnv() });
        match(all.stderr, /WARNING: --allow-net without a list: every host is reachable/);
      } finally {
        await hello.close();
      }
    }),
});

Deno.test("cli: srt proxy serves with a per-run credential", async () => {
  const hello = helloServer();
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "--allow-net=127.0.0.1", "proxy", "--listen", `127.0.0.1:${port}`],
    stdout: "null",
    stderr: "piped",
    env: baseEnv(),
  }).spawn();
  try {
    const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    while (!/ALL_PROXY=/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    const url = /HTTP_PROXY=(\S+)/.exec(text)![1];
    match(url, new RegExp(`^http://srt:[0-9a-f]{32}@127\\.0\\.0\\.1:${port}$`));
    const curl = async (args: string[]) =>
      new TextDecoder().decode(
        (await new Deno.Command("curl", { args: ["-s", ...args] }).output()).stdout,
      );
    equal(await curl(["-x", url, `http://127.0.0.1:${hello.port}/p`]), "hello /p");
    equal(
      await curl([
        "-o",
        "/dev/null",
        "-w",
        "%{http_code}",
        "-x",
        `http://127.0.0.1:${port}`,
        `http://127.0.0.1:${hello.port}/`,
      ]),
      "407",
    );
    reader.releaseLock();
  } finally {
    child.kill("SIGTERM");
    await child.status;
    await child.stderr.cancel().catch(() => {});
    await hello.close();
  }
});

Deno.test({
  name: "cli: after srt is SIGKILLed the command dies and the next run removes its stubs",
  ignore: !linux,
  fn: () =>
    withTempDir(async (dir) => {
      const before = [...Deno.readDirSync(dir)].map((e) => e.name).sort();
      const marker = `srt-killed-${crypto.randomUUID()}`;
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", CLI, "bash", "-c", `touch ready; exec -a ${marker} sleep 60`],
        cwd: dir,
        env: baseEnv(),
        stdout: "null",
        stderr: "null",
      }).spawn();
      const running = () =>
        new TextDecoder().decode(
          new Deno.Command("pgrep", { args: ["-f", marker] }).outputSync().stdout,
        ).trim();
      for (let i = 0; i < 200 && !exists(`${dir}/ready`); i++) {
        await new Promise((r) => setTimeout(r, 25));
      }
      ok(exists(`${dir}/ready`), "the command never started");
      Deno.removeSync(`${dir}/ready`);
      ok(
        exists(`${dir}/.mcp.json`),
        `expected a stub while the command runs: ${[...Deno.readDirSync(dir)].map((e) => e.name)}`,
      );
      child.kill("SIGKILL");
      await child.status;
      for (let i = 0; i < 100 && running() !== ""; i++) await new Promise((r) => setTimeout(r, 25));
      equal(running(), "", "the command outlived srt");
      const r = await runCli(["true"], { cwd: dir, env: baseEnv() });
      equal(r.code, 0, r.stderr);
      deepStrictEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), before);
    }),
});

Deno.test({
  name: "cli: when user namespaces are refused, srt says what to change and nothing runs",
  ignore: !linux,
  fn: () =>
    withTempDir(async (dir) => {
      // An outer bwrap that forbids creating user namespaces stands in for a
      // host with them disabled (sysctl, AppArmor).
      const out = await new Deno.Command("bwrap", {
        args: [
          "--unshare-user",
          "--disable-userns",
          "--bind",
          "/",
          "/",
          "--dev",
          "/dev",
          "--proc",
          "/proc",
          "--",
          Deno.execPath(),
          "run",
          "-A",
          CLI,
          "sh",
          "-c",
          `touch ${dir}/ran`,
        ],
        cwd: dir,
        env: baseEnv(),
        stdout: "piped",
        stderr: "piped",
      }).output();
      const stderr = new TextDecoder().decode(out.stderr);
      equal(out.code, 125, stderr);
      match(stderr, /The sandbox could not be set up/);
      match(stderr, /max_user_namespaces|apparmor_restrict_unprivileged_userns/);
      ok(!exists(`${dir}/ran`), "the command ran unsandboxed");
    }),
});
