/**
 * Upstream for the proxy benchmark, in its own process: a raw HTTP/1.1 server
 * answering `/small` with 2 bytes and anything else with `size` bytes,
 * keep-alive. Prints its port on stdout.
 */

const enc = new TextEncoder();

export function serveBlobs(size: number): { port: number; close(): void } {
  const chunk = new Uint8Array(1024 * 1024).fill(120);
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  (async () => {
    for await (const c of l) {
      c.setNoDelay(true);
      (async () => {
        const buf = new Uint8Array(65536);
        let pending = "";
        for (;;) {
          const n = await c.read(buf);
          if (n === null) break;
          pending += new TextDecoder().decode(buf.subarray(0, n));
          while (pending.includes("\r\n\r\n")) {
            const head = pending.slice(0, pending.indexOf("\r\n\r\n"));
            pending = pending.slice(pending.indexOf("\r\n\r\n") + 4);
            const small = /^GET \/small/.test(head);
            const len = small ? 2 : size;
            const reply = enc.encode(
              `HTTP/1.1 200 OK\r\nContent-Length: ${len}\r\n\r\n${small ? "ok" : ""}`,
            );
            await c.write(reply);
            if (!small) {
              for (let left = len; left > 0;) {
                const piece = chunk.subarray(0, Math.min(chunk.length, left));
                let off = 0;
                while (off < piece.length) off += await c.write(piece.subarray(off));
                left -= piece.length;
              }
            }
          }
        }
        c.close();
      })().catch(() => {});
    }
  })().catch(() => {});
  return { port: (l.addr as Deno.NetAddr).port, close: () => l.close() };
}

if (import.meta.main) {
  const { port } = serveBlobs(Number(Deno.args[0]));
  console.log(port);
}
