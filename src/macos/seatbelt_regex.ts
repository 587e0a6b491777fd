/**
 * The macOS back end of srt's glob parser: a parsed glob becomes an anchored
 * regular expression in the subset Seatbelt's regex filter accepts (POSIX
 * extended syntax: `^ $ . [] [^] ( ) * +` and backslash escapes; no lookaround,
 * no lazy quantifiers, no `\d`-style classes).
 *
 * Seatbelt matches bytes of the UTF-8 path: `?` and bracket classes match one
 * byte there, so they only agree with the Linux matcher on ASCII names.
 * @module
 */

import type { Glob, GlobToken } from "../glob.ts";

const META = new Set([".", "^", "$", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "\\"]);

/** Escapes one literal character for the regex. */
function escapeChar(c: string): string {
  return META.has(c) ? `\\${c}` : c;
}

/** Escapes literal text (e.g. an absolute path) for the regex. */
export function escapeRegexLiteral(text: string): string {
  return Array.from(text, escapeChar).join("");
}

function classItem(c: string): string {
  // Inside brackets only `]`, `\`, `^` and `-` are special.
  return c === "]" || c === "\\" || c === "^" || c === "-" ? `\\${c}` : c;
}

function tokenRegex(t: GlobToken): string {
  switch (t.kind) {
    case "literal":
      return escapeRegexLiteral(t.value);
    case "any":
      return "[^/]";
    case "star":
      return "[^/]*";
    case "class": {
      const body = t.items.map((
        i,
      ) => (typeof i === "string" ? classItem(i) : `${classItem(i[0])}-${classItem(i[1])}`))
        .join("");
      return t.negated ? `[^/${body}]` : `[${body}]`;
    }
  }
}

/** Regex source (anchored) matching exactly the paths `matchGlob` matches (ASCII names). */
export function globToSeatbeltRegex(glob: Glob): string {
  let out = "^";
  const segs = glob.segments;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    const last = i === segs.length - 1;
    if (s.kind === "globstar") {
      // zero or more whole directories; as the last segment one or more names
      out += last ? "/[^/]+(/[^/]+)*" : "(/[^/]+)*";
    } else if (s.tokens.every((t) => t.kind === "star")) {
      out += "/[^/]+"; // a name is never empty, so a lone `*` needs one character
    } else {
      out += "/" + s.tokens.map(tokenRegex).join("");
    }
  }
  if (segs.length === 0) out += "/";
  return out + "$";
}
