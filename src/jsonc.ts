/**
 * A small JSONC parser (JSON with `//` and `/* *\/` comments and trailing
 * commas) that keeps the offset of every value and key, so settings errors
 * can name line and column. Written here instead of imported: srt parses
 * settings on every run and an npm import costs more start-up time than the
 * whole parse.
 * @module
 */

/** A parsed value with its position. */
export type JsoncNode =
  | {
    readonly type: "object";
    readonly offset: number;
    readonly properties: readonly JsoncProperty[];
  }
  | { readonly type: "array"; readonly offset: number; readonly items: readonly JsoncNode[] }
  | { readonly type: "string"; readonly offset: number; readonly value: string }
  | { readonly type: "number"; readonly offset: number; readonly value: number }
  | { readonly type: "boolean"; readonly offset: number; readonly value: boolean }
  | { readonly type: "null"; readonly offset: number };

/** One `"key": value` of an object. */
export interface JsoncProperty {
  /** The key. */
  readonly key: string;
  /** Offset of the key's opening quote. */
  readonly keyOffset: number;
  /** The value. */
  readonly value: JsoncNode;
}

/** A syntax error at an offset of the text. */
export class JsoncSyntaxError extends SyntaxError {
  /** Offset in the text (UTF-16 code units). */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = "JsoncSyntaxError";
    this.offset = offset;
  }
}

/** Parses JSONC text. @throws {JsoncSyntaxError} */
export function parseJsonc(text: string): JsoncNode {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new JsoncSyntaxError(message, at);
  };
  const skip = () => {
    for (;;) {
      const c = text[i];
      if (c === " " || c === "\t" || c === "\n" || c === "\r" || c === "\ufeff") i++;
      else if (c === "/" && text[i + 1] === "/") {
        while (i < text.length && text[i] !== "\n") i++;
      } else if (c === "/" && text[i + 1] === "*") {
        const end = text.indexOf("*/", i + 2);
        if (end === -1) fail("unclosed block comment");
        i = end + 2;
      } else return;
    }
  };
  const describe = () => (i >= text.length ? "end of file" : `"${text[i]}"`);
  const string = (): string => {
    const start = i;
    i++;
    let out = "";
    for (;;) {
      if (i >= text.length) fail("unclosed string", start);
      const c = text[i];
      if (c === '"') {
        i++;
        return out;
      }
      if (c === "\n" || c < " ") fail("control character in string");
      if (c === "\\") {
        const e = text[i + 1];
        const map: Record<string, string> = {
          '"': '"',
          "\\": "\\",
          "/": "/",
          b: "\b",
          f: "\f",
          n: "\n",
          r: "\r",
          t: "\t",
        };
        if (e in map) {
          out += map[e];
          i += 2;
        } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail("invalid escape in string");
      } else {
        out += c;
        i++;
      }
    }
  };
  const value = (): JsoncNode => {
    skip();
    const offset = i;
    const c = text[i];
    if (c === "{") {
      i++;
      const properties: JsoncProperty[] = [];
      for (;;) {
        skip();
        if (text[i] === "}") {
          i++;
          return { type: "object", offset, properties };
        }
        if (text[i] !== '"') {
          fail(`expected a property name in double quotes or "}", found ${describe()}`);
        }
        const keyOffset = i;
        const key = string();
        skip();
        if (text[i] !== ":") fail(`expected ":" after property name, found ${describe()}`);
        i++;
        properties.push({ key, keyOffset, value: value() });
        skip();
        if (text[i] === ",") i++;
        else if (text[i] !== "}") fail(`expected "," or "}", found ${describe()}`);
      }
    }
    if (c === "[") {
      i++;
      const items: JsoncNode[] = [];
      for (;;) {
        skip();
        if (text[i] === "]") {
          i++;
          return { type: "array", offset, items };
        }
        items.push(value());
        skip();
        if (text[i] === ",") i++;
        else if (text[i] !== "]") fail(`expected "," or "]", found ${describe()}`);
      }
    }
    if (c === '"') return { type: "string", offset, value: string() };
    const word = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
      text.slice(i, i + 400),
    );
    if (!word) fail(`expected a value, found ${describe()}`);
    i += word![0].length;
    const w = word![0];
    if (w === "true" || w === "false") return { type: "boolean", offset, value: w === "true" };
    if (w === "null") return { type: "null", offset };
    return { type: "number", offset, value: Number(w) };
  };
  const root = value();
  skip();
  if (i < text.length) fail(`unexpected ${describe()} after the end of the value`);
  return root;
}
