/**
 * The one glob parser of srt, and its Linux back end (a matcher over path
 * segments). The macOS back end, which emits Seatbelt regexes from the same
 * parsed globs, lives in `macos/seatbelt_regex.ts`.
 *
 * Syntax: `*` (any run of characters but `/`), `?` (one character but `/`),
 * `**` as a whole segment (zero or more directories; as the last segment: one
 * or more, i.e. everything inside), `[abc]`, `[a-z]`, `[!x]` / `[^x]`,
 * `\x` escapes. An unclosed `[` is a literal. `*` also matches names that
 * start with a dot.
 * @module
 */

/** One piece of a glob segment. */
export type GlobToken =
  | { readonly kind: "literal"; readonly value: string }
  | { readonly kind: "any" }
  | { readonly kind: "star" }
  | {
    readonly kind: "class";
    readonly negated: boolean;
    /** Single characters and inclusive `[from, to]` ranges. */
    readonly items: ReadonlyArray<string | readonly [string, string]>;
  };

/** A path segment of a glob: `**`, or a run of tokens between two slashes. */
export type GlobSegment =
  | { readonly kind: "globstar" }
  | { readonly kind: "part"; readonly tokens: readonly GlobToken[] };

/** A parsed absolute glob. */
export interface Glob {
  /** The pattern as written, after `~` and relative-path expansion. */
  readonly source: string;
  /** Segments after the leading `/`. */
  readonly segments: readonly GlobSegment[];
}

/** Whether `pattern` holds an unescaped glob metacharacter (`*`, `?`, or a closed `[`). */
export function hasGlobMagic(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      i++;
    } else if (c === "*" || c === "?") {
      return true;
    } else if (c === "[" && classEnd(pattern, i) !== -1) {
      return true;
    }
  }
  return false;
}

/** Index of the `]` closing the class opened at `start`, or -1 (then `[` is literal). */
function classEnd(text: string, start: number): number {
  let i = start + 1;
  if (text[i] === "!" || text[i] === "^") i++;
  if (text[i] === "]") i++; // a leading `]` is a member
  for (; i < text.length; i++) {
    const c = text[i];
    if (c === "/") return -1;
    if (c === "\\") {
      i++;
      continue;
    }
    if (c === "]") return i;
  }
  return -1;
}

/**
 * Parses an absolute glob pattern.
 * @throws {TypeError} When the pattern is not absolute.
 */
export function parseGlob(pattern: string): Glob {
  if (!pattern.startsWith("/")) {
    throw new TypeError(`Glob "${pattern}" is not absolute: resolve it against a directory first`);
  }
  const segments: GlobSegment[] = [];
  for (const raw of splitSegments(pattern.slice(1))) {
    if (raw === "") continue;
    if (raw === "**") {
      segments.push({ kind: "globstar" });
    } else {
      segments.push({ kind: "part", tokens: parseSegment(raw) });
    }
  }
  return { source: pattern, segments };
}

/** Splits on `/` that is not escaped and not inside a closed class. */
function splitSegments(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\") {
      i++;
    } else if (c === "[") {
      const end = classEnd(text, i);
      if (end !== -1) i = end;
    } else if (c === "/") {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

function parseSegment(raw: string): GlobToken[] {
  const tokens: GlobToken[] = [];
  let literal = "";
  const flush = () => {
    if (literal !== "") tokens.push({ kind: "literal", value: literal });
    literal = "";
  };
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "\\") {
      literal += raw[i + 1] ?? "\\";
      i++;
    } else if (c === "*") {
      flush();
      while (raw[i + 1] === "*") i++; // `a**b` is the same as `a*b`
      tokens.push({ kind: "star" });
    } else if (c === "?") {
      flush();
      tokens.push({ kind: "any" });
    } else if (c === "[" && classEnd(raw, i) !== -1) {
      flush();
      const end = classEnd(raw, i);
      tokens.push(parseClass(raw.slice(i + 1, end)));
      i = end;
    } else {
      literal += c;
    }
  }
  flush();
  return tokens;
}

function parseClass(body: string): GlobToken {
  let i = 0;
  let negated = false;
  if (body[0] === "!" || body[0] === "^") {
    negated = true;
    i = 1;
  }
  const chars: string[] = [];
  for (; i < body.length; i++) {
    if (body[i] === "\\" && i + 1 < body.length) i++;
    chars.push(body[i]);
  }
  const items: Array<string | readonly [string, string]> = [];
  for (let j = 0; j < chars.length; j++) {
    if (chars[j + 1] === "-" && j + 2 < chars.length) {
      items.push([chars[j], chars[j + 2]]);
      j += 2;
    } else {
      items.push(chars[j]);
    }
  }
  return { kind: "class", negated, items };
}

/**
 * The leading directory of a glob that has no glob characters: where a walk
 * that expands the glob starts.
 */
export function literalPrefix(glob: Glob): string {
  const parts: string[] = [];
  for (const segment of glob.segments) {
    if (segment.kind !== "part" || segment.tokens.some((t) => t.kind !== "literal")) break;
    parts.push(segment.tokens.map((t) => (t as { value: string }).value).join(""));
  }
  return "/" + parts.join("/");
}

/** Whether one path segment matches a token list. */
export function matchSegment(tokens: readonly GlobToken[], name: string): boolean {
  const chars = Array.from(name);
  const memo = new Map<number, boolean>();
  const go = (ti: number, ci: number): boolean => {
    const key = ti * (chars.length + 1) + ci;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result: boolean;
    if (ti === tokens.length) {
      result = ci === chars.length;
    } else {
      const token = tokens[ti];
      switch (token.kind) {
        case "literal": {
          const want = Array.from(token.value);
          result = want.every((c, k) => chars[ci + k] === c) && go(ti + 1, ci + want.length);
          break;
        }
        case "any":
          result = ci < chars.length && go(ti + 1, ci + 1);
          break;
        case "class":
          result = ci < chars.length && classMatches(token, chars[ci]) && go(ti + 1, ci + 1);
          break;
        case "star": {
          result = false;
          for (let k = ci; k <= chars.length && !result; k++) result = go(ti + 1, k);
          break;
        }
      }
    }
    memo.set(key, result);
    return result;
  };
  return go(0, 0);
}

function classMatches(token: Extract<GlobToken, { kind: "class" }>, c: string): boolean {
  const code = c.codePointAt(0)!;
  const hit = token.items.some((item) =>
    typeof item === "string"
      ? item === c
      : code >= item[0].codePointAt(0)! && code <= item[1].codePointAt(0)!
  );
  return hit !== token.negated;
}

/** Whether an absolute, normalised path matches the glob. */
export function matchGlob(glob: Glob, path: string): boolean {
  const names = path.split("/").filter((s, i) => i > 0 || s !== "");
  if (path === "/") names.length = 0;
  return matchFrom(glob.segments, 0, names, 0, new Map());
}

function matchFrom(
  segments: readonly GlobSegment[],
  si: number,
  names: string[],
  ni: number,
  memo: Map<number, boolean>,
): boolean {
  const key = si * (names.length + 1) + ni;
  const known = memo.get(key);
  if (known !== undefined) return known;
  let result: boolean;
  if (si === segments.length) {
    result = ni === names.length;
  } else {
    const segment = segments[si];
    if (segment.kind === "globstar") {
      const last = si === segments.length - 1;
      result = false;
      for (let k = last ? ni + 1 : ni; k <= names.length && !result; k++) {
        result = matchFrom(segments, si + 1, names, k, memo);
      }
    } else {
      result = ni < names.length && matchSegment(segment.tokens, names[ni]) &&
        matchFrom(segments, si + 1, names, ni + 1, memo);
    }
  }
  memo.set(key, result);
  return result;
}

/**
 * Whether some path below `dir` (or `dir` itself) could still match: used to
 * prune a walk. Conservative: may say yes when no match exists.
 */
export function couldMatchBelow(glob: Glob, dir: string): boolean {
  const names = dir.split("/").filter(Boolean);
  const go = (si: number, ni: number): boolean => {
    if (ni === names.length) return true;
    if (si === glob.segments.length) return false;
    const segment = glob.segments[si];
    if (segment.kind === "globstar") return true;
    return matchSegment(segment.tokens, names[ni]) && go(si + 1, ni + 1);
  };
  return go(0, 0);
}
