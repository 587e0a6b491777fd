/**
 * A plain forwarder from a listener to a TCP port on 127.0.0.1, used when the
 * settings name an external proxy (`httpProxyPort` / `socksProxyPort`) that
 * does its own filtering.
 * @module
 */

import type { ProxyServer } from "./proxy.ts";
import { writeAll } from "./_reader.ts";

/** Forwards every connection on `listener` to `127.0.0.1:port`. */
export function startForwarder(listener: Deno.Listener, port: number): ProxyServer {
  const open = new Set<Deno.Conn>();
  let closed = false;
  const pipe = async (src: Deno.Conn, dst: Deno.Conn) => {
    const buf = new Uint8Array(256 * 1024);
    try {
      for (let n = await src.read(buf); n !== null; n = await src.read(buf)) {
        await writeAll(dst, buf.subarray(0, n));
      }
      await dst.closeWrite();
    } catch {
      src.close();
    }
  };
  const loop = (async () => {
    for (;;) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch {
        if (closed) return;
        continue;
      }
      open.add(conn);
      (async () => {
        let upstream: Deno.Conn | null = null;
        try {
          upstream = await Deno.connect({ hostname: "127.0.0.1", port });
          open.add(upstream);
          await Promise.all([pipe(conn, upstream), pipe(upstream, conn)]);
        } catch {
          // upstream refused: the client sees the connection close
        } finally {
          for (const c of [conn, upstream]) {
            if (!c) continue;
            open.delete(c);
            try {
              c.close();
            } catch {
              // closed
            }
          }
        }
      })();
    }
  })();
  return {
    addr: listener.addr,
    get activeConnections() {
      return open.size;
    },
    async close() {
      closed = true;
      try {
        listener.close();
      } catch {
        // closed
      }
      for (const c of open) {
        try {
          c.close();
        } catch {
          // closed
        }
      }
      await loop;
    },
  };
}
