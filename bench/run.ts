/**
 * `deno task bench`: speed and memory of srt, each figure reported as a ratio
 * against a baseline measured in the same run (direct access, bare `true`,
 * and the TypeScript original when it is installed). Not a test: nothing
 * here asserts a time.
 *
 * Options: `--quick` (smaller sizes), `--only=startup|proxy`, `--original=PATH` (the original's
 * dist/cli.js; default: looked up under /tmp/orig and ./.bench).
 */

import { startProxy } from "../src/proxy/proxy.ts";
import { parseDomainPattern } from "../src/domain.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const CLI = `${ROOT}/cli.ts`;
const quick = Deno.args.includes("--quick");
const originalArg = Deno.args.find((a) => a.startsWith("--original="))?.slice(11);
const ORIGINAL = originalArg ??
  [
    `${ROOT}/.bench/node_modules/@anthropic-ai/sandbox-runtime/dist/cli.js`,
    "/tmp/orig/node_modules/@anthropic-ai/sandbox-runtime/dist/cli.js",
  ].find((p) => {
    try {
      return Deno.statSync(p).isFile;
    } catch {
      return false;
    }
  });

const enc = new TextEncoder();
const rows: string[][] = [];
const report = (what: string, value: string, baseline: string, ratio: string) => {
  rows.push([what, value, baseline, ratio]);
  console.log(`${what}: ${value} (baseline ${baseline}) -> ${ratio}`);
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * The upstream server runs in its own process (bench/_blob_server.ts), so the
 * proxy under test does not share a JavaScript thread with it.
 */
async function blobServer(size: number): Promise<{ port: number; close(): void }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}/bench/_blob_server.ts`, String(size)],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("blob server did not start");
    text += value;
  }
  reader.releaseLock();
  return {
    port: Number(text.trim()),
    close: () => {
      child.kill();
      child.stdout.cancel().catch(() => {});
    },
  };
}

async function timed(cmd: string, args: string[], env?: Record<string, string>): Promise<number> {
  const t = performance.now();
  const o = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped", env }).output();
  const ms = performance.now() - t;
  if (!o.success) {
    throw new Error(`${cmd} ${args.join(" ")} failed: ${new TextDecoder().decode(o.stderr)}`);
  }
  return ms;
}

async function proxyThroughput() {
  const size = (quick ? 256 : 1024) * 1024 * 1024;
  const server = await blobServer(size);
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const proxy = startProxy(listener, {
    rules: { allow: [parseDomainPattern("127.0.0.1")], deny: [], allowAll: false },
  });
  const pport = (listener.addr as Deno.NetAddr).port;
  const url = `http://127.0.0.1:${server.port}/big`;
  const mib = size / 1024 / 1024;
  const runs = 3;
  const direct: number[] = [];
  const connect: number[] = [];
  const forward: number[] = [];
  for (let i = 0; i < runs; i++) {
    direct.push(await timed("curl", ["-s", "-o", "/dev/null", url]));
    connect.push(
      await timed("curl", ["-s", "-o", "/dev/null", "-p", "-x", `http://127.0.0.1:${pport}`, url]),
    );
    forward.push(
      await timed("curl", ["-s", "-o", "/dev/null", "-x", `http://127.0.0.1:${pport}`, url]),
    );
  }
  const rate = (ms: number) => mib / (ms / 1000);
  const d = rate(median(direct));
  report(
    `${mib} MiB via CONNECT`,
    `${rate(median(connect)).toFixed(0)} MiB/s`,
    `${d.toFixed(0)} MiB/s direct`,
    `${((rate(median(connect)) / d) * 100).toFixed(0)}% of direct`,
  );
  report(
    `${mib} MiB via forwarding`,
    `${rate(median(forward)).toFixed(0)} MiB/s`,
    `${d.toFixed(0)} MiB/s direct`,
    `${((rate(median(forward)) / d) * 100).toFixed(0)}% of direct`,
  );

  // Keep-alive: 300 small requests on one connection, through the proxy and direct.
  const urls = Array.from({ length: 300 }, (_, i) => `http://127.0.0.1:${server.port}/small?${i}`);
  const ka = async (viaProxy: boolean) => {
    const file = await Deno.makeTempFile();
    await Deno.writeTextFile(
      file,
      urls.map((u) => `url = "${u}"\noutput = "/dev/null"\n`).join(""),
    );
    const ms = await timed("curl", [
      "-s",
      ...(viaProxy ? ["-x", `http://127.0.0.1:${pport}`] : []),
      "-K",
      file,
    ]);
    await Deno.remove(file);
    return ms;
  };
  const kaDirect: number[] = [];
  const kaProxy: number[] = [];
  for (let i = 0; i < 5; i++) {
    kaDirect.push(await ka(false));
    kaProxy.push(await ka(true));
  }
  const added = (median(kaProxy) - median(kaDirect)) / 300;
  report(
    "300 keep-alive requests",
    `${median(kaProxy).toFixed(1)} ms`,
    `${median(kaDirect).toFixed(1)} ms direct`,
    `+${added.toFixed(3)} ms per request`,
  );

  // 1,000 concurrent tunnels to an echo server.
  const echo = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  (async () => {
    for await (const c of echo) {
      (async () => {
        const b = new Uint8Array(1024);
        for (let n = await c.read(b); n !== null; n = await c.read(b)) {
          await c.write(b.subarray(0, n));
        }
        c.close();
      })().catch(() => {});
    }
  })().catch(() => {});
  const eport = (echo.addr as Deno.NetAddr).port;
  const t0 = performance.now();
  const ok = await Promise.all(Array.from({ length: 1000 }, async (_, i) => {
    const c = await Deno.connect({ hostname: "127.0.0.1", port: pport });
    await c.write(enc.encode(`CONNECT 127.0.0.1:${eport} HTTP/1.1\r\n\r\n`));
    const b = new Uint8Array(512);
    let head = "";
    while (!head.includes("\r\n\r\n")) {
      head += new TextDecoder().decode(b.subarray(0, (await c.read(b)) ?? 0));
    }
    await c.write(enc.encode(`ping ${i}`));
    const n = await c.read(b);
    c.close();
    return new TextDecoder().decode(b.subarray(0, n ?? 0)) === `ping ${i}`;
  }));
  report(
    "1,000 concurrent tunnels",
    `${ok.filter(Boolean).length}/1000 echoed`,
    "-",
    `${(performance.now() - t0).toFixed(0)} ms total`,
  );
  echo.close();

  // 10,000 connections twice: no connection left open, and the second round
  // must not grow memory (the first one warms the allocator up).
  const round = async () => {
    for (let batch = 0; batch < 100; batch++) {
      await Promise.all(Array.from({ length: 100 }, async () => {
        const c = await Deno.connect({ hostname: "127.0.0.1", port: pport });
        await c.write(
          enc.encode(
            `GET http://127.0.0.1:${server.port}/small HTTP/1.1\r\nConnection: close\r\n\r\n`,
          ),
        );
        const b = new Uint8Array(4096);
        while ((await c.read(b).catch(() => null)) !== null) { /* drain */ }
        c.close();
      }));
    }
    await new Promise((r) => setTimeout(r, 200));
    return Deno.memoryUsage().rss / 1024 / 1024;
  };
  const first = await round();
  const second = await round();
  report(
    "2 x 10,000 connections",
    `${proxy.activeConnections} left open`,
    `${first.toFixed(0)} MB RSS after the first 10,000`,
    `${second - first >= 0 ? "+" : ""}${(second - first).toFixed(1)} MB after the next 10,000`,
  );
  await proxy.close();
  server.close();
}

/** Wall time (ms) and peak RSS (KiB) of one command, via GNU time when present. */
async function measure(
  argv: string[],
  cwd: string,
  env?: Record<string, string>,
): Promise<{ ms: number; rssKib: number }> {
  const hasTime = (() => {
    try {
      return Deno.statSync("/usr/bin/time").isFile;
    } catch {
      return false;
    }
  })();
  const t = performance.now();
  const o = await new Deno.Command(hasTime ? "/usr/bin/time" : argv[0], {
    args: hasTime ? ["-f", "%M", ...argv] : argv.slice(1),
    cwd,
    env,
    stdout: "null",
    stderr: "piped",
  }).output();
  const ms = performance.now() - t;
  const err = new TextDecoder().decode(o.stderr).trim().split("\n");
  if (!o.success) throw new Error(`${argv.join(" ")} failed: ${err.join("\n")}`);
  return { ms, rssKib: hasTime ? Number(err[err.length - 1]) : NaN };
}

async function startup() {
  const dir = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "srt-bench-" }));
  const settings = `${dir}/settings.json`;
  Deno.writeTextFileSync(
    settings,
    JSON.stringify({
      network: { allowedDomains: ["example.com", "*.npmjs.org"] },
      filesystem: { denyRead: ["~/.ssh", "~/.aws"], denyWrite: [".env"] },
    }),
  );
  const deno = Deno.execPath();
  const runs = quick ? 7 : 21;
  const sample = async (argv: string[], count = runs) => {
    const xs: Array<{ ms: number; rssKib: number }> = [];
    await measure(argv, dir); // warm caches
    for (let i = 0; i < count; i++) xs.push(await measure(argv, dir));
    return { ms: median(xs.map((x) => x.ms)), rssKib: median(xs.map((x) => x.rssKib)) };
  };
  const bare = await sample(["true"]);
  const bwrap = await sample(["bwrap", "--ro-bind", "/", "/", "--unshare-all", "true"]);
  const srt = await sample([deno, "run", "-A", CLI, "-s", settings, "true"]);
  report(
    "srt true (network+filesystem policy)",
    `${srt.ms.toFixed(1)} ms, ${(srt.rssKib / 1024).toFixed(1)} MB peak RSS`,
    `${bare.ms.toFixed(1)} ms bare true; ${bwrap.ms.toFixed(1)} ms bwrap alone`,
    `+${(srt.ms - bare.ms).toFixed(1)} ms`,
  );
  if (ORIGINAL) {
    const origSettings = `${dir}/orig-settings.json`;
    Deno.writeTextFileSync(
      origSettings,
      JSON.stringify({
        network: { allowedDomains: ["example.com", "*.npmjs.org"], deniedDomains: [] },
        filesystem: { denyRead: ["~/.ssh", "~/.aws"], allowWrite: ["."], denyWrite: [".env"] },
      }),
    );
    const orig = await sample(["node", ORIGINAL, "-s", origSettings, "true"]);
    report(
      "original srt true (same policy)",
      `${orig.ms.toFixed(1)} ms, ${(orig.rssKib / 1024).toFixed(1)} MB peak RSS`,
      `${srt.ms.toFixed(1)} ms srt`,
      `srt is ${(orig.ms / srt.ms).toFixed(1)}x faster, uses ${
        (srt.rssKib / orig.rssKib * 100).toFixed(0)
      }% of its memory`,
    );
  } else {
    console.log(
      "(the TypeScript original is not installed: `npm install --prefix .bench @anthropic-ai/sandbox-runtime` to compare)",
    );
  }
  for (const n of [10, 100, 1000]) {
    const many = `${dir}/many-${n}.json`;
    Deno.writeTextFileSync(
      many,
      JSON.stringify({
        network: { allowedDomains: Array.from({ length: n }, (_, i) => `host${i}.example.com`) },
        filesystem: {
          denyRead: Array.from({ length: n }, (_, i) => `${dir}/secret-${i}`),
          denyWrite: Array.from({ length: n }, (_, i) => `${dir}/locked-${i}.txt`),
        },
      }),
    );
    for (let i = 0; i < n; i++) {
      Deno.writeTextFileSync(`${dir}/secret-${i}`, "x");
      Deno.writeTextFileSync(`${dir}/locked-${i}.txt`, "x");
    }
    const r = await sample([deno, "run", "-A", CLI, "-s", many, "true"], n >= 1000 ? 3 : 7);
    report(
      `srt true with ${n}+${n}+${n} rules`,
      `${r.ms.toFixed(1)} ms`,
      `${srt.ms.toFixed(1)} ms with 5 rules`,
      `+${(r.ms - srt.ms).toFixed(1)} ms`,
    );
  }
  Deno.removeSync(dir, { recursive: true });
}

const only = Deno.args.find((a) => a.startsWith("--only="))?.slice(7);
if (!only || only === "startup") await startup();
if (!only || only === "proxy") await proxyThroughput();
console.log("\n| measure | value | baseline | ratio |\n|---|---|---|---|");
for (const r of rows) console.log(`| ${r.join(" | ")} |`);
