import { deepStrictEqual, equal, match, ok } from "node:assert/strict";
import { type ProxyEvent, type ProxyOptions, startProxy } from "./proxy.ts";
import { parseDomainPattern } from "../domain.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

interface Rules {
  allow?: string[];
  deny?: string[];
  allowAll?: boolean;
}

async function withProxy(
  rules: Rules,
  fn: (port: number, events: ProxyEvent[]) => Promise<void>,
  extra: Partial<ProxyOptions> = {},
): Promise<void> {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const events: ProxyEvent[] = [];
  const proxy = startProxy(listener, {
    rules: {
      allow: (rules.allow ?? []).map((r) => parseDomainPattern(r)),
      deny: (rules.deny ?? []).map((r) => parseDomainPattern(r, { allowAll: true })),
      allowAll: rules.allowAll ?? false,
    },
    onEvent: (e) => events.push(e),
    ...extra,
  });
  try {
    await fn((listener.addr as Deno.NetAddr).port, events);
  } finally {
    await proxy.close();
  }
}

async function withServer(
  handler: (req: Request) => Response | Promise<Response>,
  fn: (port: number) => Promise<void>,
  hostname = "127.0.0.1",
): Promise<void> {
  const server = Deno.serve({ hostname, port: 0, onListen() {} }, handler);
  try {
    await fn(server.addr.port);
  } finally {
    await server.shutdown();
  }
}

async function curl(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command("curl", {
    args: ["-sS", "--max-time", "10", ...args],
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  return { code: o.code, out: dec.decode(o.stdout), err: dec.decode(o.stderr) };
}

/** Sends raw bytes, returns everything the proxy answers until it closes. */
async function raw(
  port: number,
  data: string | Uint8Array,
  opts: { closeWrite?: boolean } = {},
): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(typeof data === "string" ? enc.encode(data) : data);
  if (opts.closeWrite) await conn.closeWrite();
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(65536);
  for (;;) {
    const n = await conn.read(buf).catch(() => null);
    if (n === null) break;
    chunks.push(buf.slice(0, n));
  }
  conn.close();
  return dec.decode(new Uint8Array(chunks.flatMap((c) => [...c])));
}

/** The HTTP status curl gets for `url` through the proxy at `proxy`. */
async function statusVia(proxy: string, url: string): Promise<string> {
  return (await curl(["-o", "/dev/null", "-w", "%{http_code}", "-x", proxy, url])).out;
}

const hello = (req: Request) => new Response(`hello ${new URL(req.url).pathname}`);

Deno.test("proxy: plain HTTP forwarding, several requests on one kept-alive client connection", async () => {
  await withServer(hello, async (sp) => {
    await withProxy({ allow: ["127.0.0.1"] }, async (pp, events) => {
      const r = await curl([
        "-x",
        `http://127.0.0.1:${pp}`,
        "-w",
        " [%{num_connects}]\n",
        `http://127.0.0.1:${sp}/a`,
        `http://127.0.0.1:${sp}/b`,
        `http://127.0.0.1:${sp}/c`,
      ]);
      equal(r.code, 0, r.err);
      equal(r.out, `hello /a [1]\nhello /b [0]\nhello /c [0]\n`);
      equal(events.filter((e) => e.allowed && e.protocol === "http").length, 1, "upstream reused");
    });
  });
});

Deno.test("proxy: CONNECT (curl -p) and SOCKS5 with domain, IPv4 and IPv6 addresses", async () => {
  await withServer(hello, async (sp) => {
    await withProxy({ allow: ["127.0.0.1", "localhost", "[::1]"] }, async (pp) => {
      const viaConnect = await curl([
        "-p",
        "-x",
        `http://127.0.0.1:${pp}`,
        `http://localhost:${sp}/connect`,
      ]);
      equal(viaConnect.out, "hello /connect", viaConnect.err);
      const viaSocksName = await curl([
        "--socks5-hostname",
        `127.0.0.1:${pp}`,
        `http://localhost:${sp}/s5h`,
      ]);
      equal(viaSocksName.out, "hello /s5h", viaSocksName.err);
      const viaSocksIp = await curl(["--socks5", `127.0.0.1:${pp}`, `http://127.0.0.1:${sp}/s5`]);
      equal(viaSocksIp.out, "hello /s5", viaSocksIp.err);
    });
  });
  await withServer(hello, async (sp) => {
    await withProxy({ allow: ["[::1]"] }, async (pp) => {
      const v6 = await curl(["--socks5", `127.0.0.1:${pp}`, `http://[::1]:${sp}/v6`]);
      equal(v6.out, "hello /v6", v6.err);
    });
  }, "::1");
});

Deno.test("proxy: Deno fetch through the proxy client", async () => {
  await withServer(hello, async (sp) => {
    await withProxy({ allow: ["127.0.0.1"] }, async (pp) => {
      const client = Deno.createHttpClient({ proxy: { url: `http://127.0.0.1:${pp}` } });
      try {
        const res = await fetch(`http://127.0.0.1:${sp}/fetch`, { client });
        equal(await res.text(), "hello /fetch");
      } finally {
        client.close();
      }
    });
  });
});

Deno.test("proxy: blocked requests get the exact 403 shape and SOCKS5 reply 0x02", async () => {
  await withProxy({ allow: ["allowed.example"] }, async (pp, events) => {
    const r = await curl(["-i", "-x", `http://127.0.0.1:${pp}`, "http://blocked.example/x"]);
    match(r.out, /^HTTP\/1\.1 403 Forbidden\r\n/);
    match(r.out, /\r\nX-Proxy-Error: blocked-by-allowlist\r\n/);
    match(
      r.out,
      /\r\n\r\nConnection blocked by network allowlist: "blocked\.example:80" is not in the allowed domains\n$/,
    );
    const c = await curl(["-p", "-x", `http://127.0.0.1:${pp}`, "http://blocked.example/"]);
    match(c.err, /403/);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: pp });
    await conn.write(new Uint8Array([5, 1, 0]));
    const buf = new Uint8Array(16);
    await conn.read(buf);
    const name = enc.encode("blocked.example");
    await conn.write(new Uint8Array([5, 1, 0, 3, name.length, ...name, 0, 80]));
    const n = await conn.read(buf);
    equal(buf[1], 0x02, `SOCKS5 reply ${[...buf.subarray(0, n ?? 0)]}`);
    conn.close();
    const denied = events.filter((e) => !e.allowed);
    deepStrictEqual(denied.map((e) => e.protocol), ["http", "connect", "socks5"]);
    ok(denied.every((e) => e.host === "blocked.example" && e.time instanceof Date));
  });
});

Deno.test("proxy: wildcard rules match strict subdomains only; deny beats allow", async () => {
  await withProxy(
    { allow: ["*.example.com", "*.srt.invalid"], deny: ["bad.example.com"] },
    async (pp, events) => {
      for (
        const host of [
          "example.com",
          "bad.example.com",
          "BAD.Example.COM.",
          "x.bad.example.com.evil",
        ]
      ) {
        equal(await statusVia(`http://127.0.0.1:${pp}`, `http://${host}/`), "403", host);
      }
      ok(events.some((e) => /matches denied "bad\.example\.com"/.test(e.reason)));
      // The allow side: a strict subdomain passes the rules (a `.invalid` name
      // then fails to resolve: 502, not 403), the bare apex does not.
      equal(await statusVia(`http://127.0.0.1:${pp}`, "http://api.srt.invalid/"), "502");
      equal(await statusVia(`http://127.0.0.1:${pp}`, "http://srt.invalid/"), "403");
      ok(events.some((e) => e.host === "api.srt.invalid" && /cannot resolve/.test(e.reason)));
    },
  );
});

Deno.test("proxy: numeric IPv4 tricks and IPv4-mapped IPv6 are canonicalised before matching", async () => {
  await withServer(hello, async (sp) => {
    await withProxy({ allow: ["127.0.0.1"], deny: [`127.0.0.1:${sp}`] }, async (pp, events) => {
      for (
        const host of [
          "127.1",
          "2130706433",
          "0x7f.1",
          "0177.0.0.1",
          "[::ffff:127.0.0.1]",
          "[::ffff:7f00:1]",
        ]
      ) {
        equal(await statusVia(`http://127.0.0.1:${pp}`, `http://${host}:${sp}/`), "403", host);
      }
      ok(
        events.every((e) => !e.allowed && /matches denied/.test(e.reason)),
        JSON.stringify(events),
      );
    });
  });
});

Deno.test("proxy: names resolving to private addresses are refused unless the address is allowed", async () => {
  await withServer(hello, async (sp) => {
    await withProxy({ allow: ["localhost"] }, async (pp, events) => {
      const r = await curl(["-i", "-x", `http://127.0.0.1:${pp}`, `http://localhost:${sp}/`]);
      match(r.out, /403/);
      match(events[0].reason, /resolves only to restricted addresses: .*loopback/);
    });
    await withProxy({ allow: ["localhost", "127.0.0.1"] }, async (pp) => {
      const r = await curl(["-x", `http://127.0.0.1:${pp}`, `http://localhost:${sp}/ok`]);
      equal(r.out, "hello /ok");
    });
    await withProxy({ allowAll: true }, async (pp) => {
      const proxy = `http://127.0.0.1:${pp}`;
      equal(
        await statusVia(proxy, `http://127.0.0.1:${sp}/`),
        "403",
        "--allow-net without a list must not open loopback",
      );
      equal(await statusVia(proxy, "http://169.254.169.254/"), "403", "metadata address");
    });
  });
});

Deno.test("proxy: malformed requests get 400, oversized heads 431, unreachable upstream 502", async () => {
  await withProxy({ allow: ["127.0.0.1"] }, async (pp) => {
    match(await raw(pp, "GARBAGE\r\n\r\n"), /^HTTP\/1\.1 400 /);
    match(await raw(pp, "GET /relative HTTP/1.1\r\nHost: x\r\n\r\n"), /^HTTP\/1\.1 400 /);
    match(await raw(pp, "CONNECT nohostport HTTP/1.1\r\n\r\n"), /^HTTP\/1\.1 400 /);
    match(
      await raw(pp, "GET http://127.0.0.1:1/ HTTP/1.1\r\nBad Header\r\n\r\n"),
      /^HTTP\/1\.1 400 /,
    );
    match(
      await raw(pp, `GET http://127.0.0.1/ HTTP/1.1\r\nX: ${"a".repeat(70_000)}\r\n\r\n`),
      /^HTTP\/1\.1 431 /,
    );
    const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (closed.addr as Deno.NetAddr).port;
    closed.close();
    match(
      await raw(pp, `GET http://127.0.0.1:${port}/ HTTP/1.1\r\nHost: x\r\n\r\n`),
      /^HTTP\/1\.1 502 /,
    );
    const badSocks = await raw(pp, new Uint8Array([5, 1, 0, 5, 9, 0, 1, 1, 2, 3, 4, 0, 80]));
    deepStrictEqual(
      [...enc.encode(badSocks)].slice(0, 4),
      [5, 0, 5, 7],
      "unsupported SOCKS command",
    );
    // The proxy is still serving after all of that.
    match(await raw(pp, "GET http://blocked.example/ HTTP/1.1\r\n\r\n"), /^HTTP\/1\.1 403 /);
  });
});

Deno.test("proxy: request and response bodies stream both ways, chunked and sized", async () => {
  await withServer(async (req) => {
    const body = new Uint8Array(await req.arrayBuffer());
    let sum = 0;
    for (const b of body) sum = (sum + b) % 65521;
    return new Response(`${body.length}:${sum}`);
  }, async (sp) => {
    await withProxy({ allow: ["127.0.0.1"] }, async (pp) => {
      const data = new Uint8Array(5 * 1024 * 1024).map((_, i) => (i * 7) % 251);
      let sum = 0;
      for (const b of data) sum = (sum + b) % 65521;
      const file = Deno.makeTempFileSync();
      Deno.writeFileSync(file, data);
      try {
        const sized = await curl([
          "-x",
          `http://127.0.0.1:${pp}`,
          "--data-binary",
          `@${file}`,
          `http://127.0.0.1:${sp}/`,
        ]);
        equal(sized.out, `${data.length}:${sum}`);
        const chunked = await curl([
          "-x",
          `http://127.0.0.1:${pp}`,
          "-H",
          "Transfer-Encoding: chunked",
          "--data-binary",
          `@${file}`,
          `http://127.0.0.1:${sp}/`,
        ]);
        equal(chunked.out, `${data.length}:${sum}`);
      } finally {
        Deno.removeSync(file);
      }
    });
  });
  await withServer(() => {
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 64; i++) c.enqueue(new Uint8Array(64 * 1024).fill(i));
        c.close();
      },
    });
    return new Response(stream);
  }, async (sp) => {
    await withProxy({ allow: ["127.0.0.1"] }, async (pp) => {
      const r = await curl([
        "-x",
        `http://127.0.0.1:${pp}`,
        "-o",
        "/dev/null",
        "-w",
        "%{size_download}",
        `http://127.0.0.1:${sp}/`,
      ]);
      equal(r.out, String(64 * 64 * 1024));
    });
  });
});

/** A TCP server that reads until EOF, then answers with the byte count and closes. */
function countingServer(): { port: number; close(): void } {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  (async () => {
    for await (const c of l) {
      (async () => {
        let n = 0;
        const buf = new Uint8Array(65536);
        for (let r = await c.read(buf); r !== null; r = await c.read(buf)) n += r;
        await c.write(enc.encode(`got ${n}`));
        c.close();
      })().catch(() => {});
    }
  })().catch(() => {});
  return { port: (l.addr as Deno.NetAddr).port, close: () => l.close() };
}

Deno.test("proxy: tunnels honour half-close in both protocols", async () => {
  const srv = countingServer();
  try {
    await withProxy({ allow: ["127.0.0.1"] }, async (pp) => {
      const out = await raw(
        pp,
        `CONNECT 127.0.0.1:${srv.port} HTTP/1.1\r\n\r\n${"x".repeat(1000)}`,
        { closeWrite: true },
      );
      match(out, /^HTTP\/1\.1 200 [^\r]*\r\n\r\ngot 1000$/);
      const socks = await raw(
        pp,
        new Uint8Array([
          5,
          1,
          0,
          5,
          1,
          0,
          1,
          127,
          0,
          0,
          1,
          srv.port >> 8,
          srv.port & 255,
          ...enc.encode("y".repeat(77)),
        ]),
        { closeWrite: true },
      );
      match(socks, /got 77$/);
    });
  } finally {
    srv.close();
  }
});

Deno.test("proxy: a slow client is cut off by the header timeout and does not block others", async () => {
  await withServer(hello, async (sp) => {
    await withProxy({ allow: ["127.0.0.1"] }, async (pp) => {
      const slow = await Deno.connect({ hostname: "127.0.0.1", port: pp });
      await slow.write(enc.encode("GET http://127.0.0.1/ HTTP/1.1\r\n"));
      const r = await curl(["-x", `http://127.0.0.1:${pp}`, `http://127.0.0.1:${sp}/other`]);
      equal(r.out, "hello /other");
      const started = performance.now();
      const n = await slow.read(new Uint8Array(100)).catch(() => null);
      equal(n, null);
      ok(performance.now() - started < 5000);
      slow.close();
    }, { headerTimeoutMs: 300 });
  });
});

Deno.test("proxy: idle tunnels are closed", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  (async () => {
    for await (const c of l) held.push(c);
  })().catch(() => {});
  try {
    await withProxy({ allow: ["127.0.0.1"] }, async (pp) => {
      const out = await raw(
        pp,
        `CONNECT 127.0.0.1:${(l.addr as Deno.NetAddr).port} HTTP/1.1\r\n\r\n`,
      );
      match(out, /^HTTP\/1\.1 200 /);
    }, { idleTimeoutMs: 300 });
  } finally {
    l.close();
    for (const c of held) c.close();
  }
});

Deno.test("proxy: with a credential, clients without it get 407 / SOCKS5 refusal", async () => {
  await withServer(hello, async (sp) => {
    await withProxy({ allow: ["127.0.0.1"] }, async (pp) => {
      equal(await statusVia(`http://127.0.0.1:${pp}`, `http://127.0.0.1:${sp}/`), "407");
      equal(await statusVia(`http://u:wrong@127.0.0.1:${pp}`, `http://127.0.0.1:${sp}/`), "407");
      const good = await curl(["-x", `http://u:p4ss@127.0.0.1:${pp}`, `http://127.0.0.1:${sp}/in`]);
      equal(good.out, "hello /in");
      const socksNone = await curl(["--socks5", `127.0.0.1:${pp}`, `http://127.0.0.1:${sp}/`]);
      ok(socksNone.code !== 0);
      const socksGood = await curl([
        "-x",
        `socks5://u:p4ss@127.0.0.1:${pp}`,
        `http://127.0.0.1:${sp}/s`,
      ]);
      equal(socksGood.out, "hello /s", socksGood.err);
    }, { credential: { username: "u", password: "p4ss" } });
  });
});

function openFds(): number {
  return [...Deno.readDirSync("/proc/self/fd")].length;
}

Deno.test({
  name: "proxy: no fd growth after 10,000 connections; many concurrent tunnels work",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const srv = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const sport = (srv.addr as Deno.NetAddr).port;
    (async () => {
      for await (const c of srv) {
        (async () => {
          const buf = new Uint8Array(1024);
          for (let n = await c.read(buf); n !== null; n = await c.read(buf)) {
            await c.write(buf.subarray(0, n));
          }
          c.close();
        })().catch(() => {});
      }
    })().catch(() => {});
    try {
      await withProxy({ allow: ["127.0.0.1"] }, async (pp) => {
        const before = openFds();
        for (let batch = 0; batch < 100; batch++) {
          await Promise.all(Array.from({ length: 100 }, async () => {
            const c = await Deno.connect({ hostname: "127.0.0.1", port: pp });
            await c.write(enc.encode("GET http://blocked.example/ HTTP/1.1\r\n\r\n"));
            const buf = new Uint8Array(4096);
            while ((await c.read(buf).catch(() => null)) !== null) { /* drain */ }
            c.close();
          }));
        }
        await new Promise((r) => setTimeout(r, 200));
        ok(openFds() - before < 20, `fds grew from ${before} to ${openFds()}`);

        const limit = Number(
          new TextDecoder().decode(
            new Deno.Command("sh", { args: ["-c", "ulimit -n"] }).outputSync().stdout,
          ),
        );
        const count = Math.min(1000, Math.floor((limit - 300) / 4));
        const conns = await Promise.all(Array.from({ length: count }, async (_, i) => {
          const c = await Deno.connect({ hostname: "127.0.0.1", port: pp });
          await c.write(enc.encode(`CONNECT 127.0.0.1:${sport} HTTP/1.1\r\n\r\n`));
          const buf = new Uint8Array(256);
          let head = "";
          while (!head.includes("\r\n\r\n")) {
            head += dec.decode(buf.subarray(0, (await c.read(buf)) ?? 0));
          }
          return { c, i };
        }));
        const echoes = await Promise.all(conns.map(async ({ c, i }) => {
          await c.write(enc.encode(`ping ${i}`));
          const buf = new Uint8Array(64);
          const n = await c.read(buf);
          c.close();
          return dec.decode(buf.subarray(0, n ?? 0)) === `ping ${i}`;
        }));
        equal(echoes.filter(Boolean).length, count);
        ok(count >= 200, `only ${count} tunnels fit the fd limit`);
      });
    } finally {
      srv.close();
    }
  },
});
