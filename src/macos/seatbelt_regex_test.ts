import { equal } from "node:assert/strict";
import { matchGlob, parseGlob } from "../glob.ts";
import { globToSeatbeltRegex } from "./seatbelt_regex.ts";
import { canonicalMacPath, sbplString } from "./profile.ts";
import { assertSeatbeltRegex } from "../../tests/sbpl_eval.ts";

/** A small deterministic PRNG so failures reproduce. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ALPHABET = ["a", "b", ".", "-", " ", "x", "(", "+", "$", "^", "|", '"', "\\", "{"];

Deno.test("seatbelt regex: the emitted regex and the Linux matcher agree (property test)", () => {
  const rand = rng(12345);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const segment = (glob: boolean): string => {
    const n = 1 + Math.floor(rand() * 4);
    let out = "";
    for (let i = 0; i < n; i++) {
      const r = rand();
      if (!glob || r < 0.55) {
        const c = pick(ALPHABET);
        out += c === "\\" || c === "*" || c === "?" || c === "[" ? `\\${c}` : c;
      } else if (r < 0.7) out += "*";
      else if (r < 0.8) out += "?";
      else if (r < 0.9) out += pick(["[ab]", "[!a]", "[a-c]", "[.x]", "[^b]"]);
      else out += "[";
    }
    return out;
  };
  const pathName = (): string => {
    const n = 1 + Math.floor(rand() * 4);
    let out = "";
    for (let i = 0; i < n; i++) {
      out += pick([
        "a",
        "b",
        "c",
        ".",
        "-",
        " ",
        "x",
        "(",
        "+",
        "$",
        "^",
        "|",
        '"',
        "\\",
        "{",
        "[",
      ]);
    }
    return out;
  };
  let agreed = 0;
  let matched = 0;
  for (let i = 0; i < 3000; i++) {
    const segs = Array.from(
      { length: 1 + Math.floor(rand() * 4) },
      () => (rand() < 0.2 ? "**" : segment(true)),
    );
    const pattern = "/" + segs.join("/");
    const glob = parseGlob(pattern);
    const source = globToSeatbeltRegex(glob);
    assertSeatbeltRegex(source);
    const re = new RegExp(source);
    for (let k = 0; k < 20; k++) {
      // Half the paths are built from the pattern to make matches likely.
      const parts = rand() < 0.5
        ? Array.from({ length: 1 + Math.floor(rand() * 5) }, pathName)
        : segs.flatMap((s) =>
          s === "**" ? Array.from({ length: Math.floor(rand() * 3) }, pathName) : [
            s.replace(/\\(.)/g, "$1").replace(/\[[^\]]*\]/g, "a").replace(/[*?]/g, () =>
              pick(["", "a", "b."])),
          ]
        ).filter((s) =>
          s !== ""
        );
      const path = "/" + parts.join("/");
      const linux = matchGlob(glob, path);
      equal(re.test(path), linux, `pattern ${pattern} regex ${source} path ${path}`);
      agreed++;
      if (linux) matched++;
    }
  }
  equal(agreed, 60000);
  equal(matched > 2000, true, `too few positive cases (${matched}) to mean anything`);
});

Deno.test("seatbelt regex: the known traps", () => {
  const table: Array<[string, string, boolean]> = [
    ["/p/**/x", "/p/x", true],
    ["/p/**/x", "/p/a/b/x", true],
    ["/p/**/x", "/px", false],
    ["/p/**", "/p", false],
    ["/p/**", "/p/a/b", true],
    ["/p/*.pem", "/p/a.pem", true],
    ["/p/*.pem", "/p/apem", false],
    ["/p/a.b", "/p/aXb", false],
    ["/p/[ab].txt", "/p/b.txt", true],
    ["/p/[!ab].txt", "/p/c.txt", true],
    ["/p/[!ab].txt", "/p/a.txt", false],
    ["/p/dir with space/*", "/p/dir with space/f", true],
    ['/p/say "hi"/*', '/p/say "hi"/f', true],
    ["/p/日本/*.md", "/p/日本/read.md", true],
    ["/p/(x)+$^|{}/y", "/p/(x)+$^|{}/y", true],
    ["/p/[a", "/p/[a", true],
  ];
  for (const [pattern, path, want] of table) {
    const source = globToSeatbeltRegex(parseGlob(pattern));
    assertSeatbeltRegex(source);
    equal(new RegExp(source).test(path), want, `${pattern} ~ ${path} (${source})`);
    equal(matchGlob(parseGlob(pattern), path), want, `linux ${pattern} ~ ${path}`);
  }
});

Deno.test("seatbelt: /tmp, /var and /etc are canonicalised into /private; strings are escaped", () => {
  equal(canonicalMacPath("/tmp/x"), "/private/tmp/x");
  equal(canonicalMacPath("/var"), "/private/var");
  equal(canonicalMacPath("/private/tmp/x"), "/private/tmp/x");
  equal(canonicalMacPath("/tmpfoo"), "/tmpfoo");
  equal(canonicalMacPath("/Users/a/var"), "/Users/a/var");
  equal(
    globToSeatbeltRegex(parseGlob(canonicalMacPath("/tmp/**/*.log"))),
    "^/private/tmp(/[^/]+)*/[^/]*\\.log$",
  );
  equal(sbplString('a"b\\c\nd'), '"a\\"b\\\\c\\x0a;d"');
});
