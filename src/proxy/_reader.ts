/**
 * A buffered reader over a Deno connection for the proxy's protocol parsing.
 * @module
 */

/** Thrown when the peer closed before a complete protocol element arrived. */
export class EarlyEof extends Error {
  constructor() {
    super("Connection closed early");
    this.name = "EarlyEof";
  }
}

/** Thrown when a head exceeds the size limit. */
export class TooLarge extends Error {
  constructor() {
    super("Header section too large");
    this.name = "TooLarge";
  }
}

const CRLFCRLF = [13, 10, 13, 10];

/** Reads from `conn` with a growable buffer; `touch` is called on every read (activity). */
export class BufferedReader {
  #conn: Deno.Conn;
  #buf: Uint8Array;
  #start = 0;
  #end = 0;
  #touch: () => void;

  constructor(conn: Deno.Conn, touch: () => void, size = 64 * 1024) {
    this.#conn = conn;
    this.#buf = new Uint8Array(size);
    this.#touch = touch;
  }

  /** Bytes buffered but not consumed. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** Reads more into the buffer; false at EOF. */
  async fill(): Promise<boolean> {
    if (this.#start > 0 && this.#start === this.#end) {
      this.#start = this.#end = 0;
    }
    if (this.#end === this.#buf.length) {
      if (this.#start > 0) {
        this.#buf.copyWithin(0, this.#start, this.#end);
        this.#end -= this.#start;
        this.#start = 0;
      } else {
        const bigger = new Uint8Array(this.#buf.length * 2);
        bigger.set(this.#buf);
        this.#buf = bigger;
      }
    }
    const n = await this.#conn.read(this.#buf.subarray(this.#end));
    this.#touch();
    if (n === null) return false;
    this.#end += n;
    return true;
  }

  /** Reads straight from the connection into `buf` (only when nothing is buffered); null at EOF. */
  async readDirect(buf: Uint8Array): Promise<number | null> {
    if (this.buffered > 0) throw new Error("readDirect with buffered data");
    const n = await this.#conn.read(buf);
    this.#touch();
    return n;
  }

  /** Peeks at the first byte, reading if needed; null at EOF. */
  async peekByte(): Promise<number | null> {
    if (this.buffered === 0 && !(await this.fill())) return null;
    return this.#buf[this.#start];
  }

  /** Consumes exactly `n` bytes. */
  async readExact(n: number): Promise<Uint8Array> {
    while (this.buffered < n) {
      if (!(await this.fill())) throw new EarlyEof();
    }
    const out = this.#buf.slice(this.#start, this.#start + n);
    this.#start += n;
    return out;
  }

  /**
   * Reads up to and including the first CRLFCRLF, as latin1 text. Null on a
   * clean EOF before any byte. @throws {TooLarge} Past `max` bytes.
   */
  async readHead(max: number): Promise<string | null> {
    let scanned = 0;
    for (;;) {
      const view = this.#buf.subarray(this.#start, this.#end);
      const at = indexOf(view, CRLFCRLF, Math.max(0, scanned - 3));
      if (at !== -1) {
        if (at + 4 > max) throw new TooLarge();
        const text = latin1(view.subarray(0, at + 4));
        this.#start += at + 4;
        return text;
      }
      scanned = view.length;
      if (scanned > max) throw new TooLarge();
      if (!(await this.fill())) {
        if (this.buffered === 0) return null;
        throw new EarlyEof();
      }
    }
  }

  /** Reads one CRLF-terminated line (for chunk sizes), raw bytes included. */
  async readLine(max: number): Promise<Uint8Array> {
    let scanned = 0;
    for (;;) {
      const view = this.#buf.subarray(this.#start, this.#end);
      const at = view.indexOf(10, scanned);
      if (at !== -1) {
        const out = view.slice(0, at + 1);
        this.#start += at + 1;
        return out;
      }
      scanned = view.length;
      if (scanned > max) throw new TooLarge();
      if (!(await this.fill())) throw new EarlyEof();
    }
  }

  /** Takes what is buffered (up to `max` bytes) without reading. */
  take(max: number): Uint8Array {
    const n = Math.min(max, this.buffered);
    const out = this.#buf.subarray(this.#start, this.#start + n);
    this.#start += n;
    return out;
  }
}

function indexOf(hay: Uint8Array, needle: number[], from: number): number {
  const first = needle[0];
  for (
    let i = hay.indexOf(first, from);
    i !== -1 && i <= hay.length - needle.length;
    i = hay.indexOf(first, i + 1)
  ) {
    let ok = true;
    for (let k = 1; k < needle.length; k++) {
      if (hay[i + k] !== needle[k]) {
        ok = false;
        break;
      }
    }
    if (ok) return i;
  }
  return -1;
}

/** Decodes bytes as latin1 (HTTP heads are octets). */
export function latin1(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

/** Encodes latin1 text to bytes. */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}

/** Writes all of `data`. */
export async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await conn.write(data.subarray(off));
}
