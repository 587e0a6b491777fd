import { equal, throws } from "node:assert/strict";
import { couldMatchBelow, hasGlobMagic, literalPrefix, matchGlob, parseGlob } from "./glob.ts";

const m = (pattern: string, path: string) => matchGlob(parseGlob(pattern), path);

Deno.test("glob: magic detection, escapes and unclosed brackets", () => {
  equal(hasGlobMagic("/a/b.txt"), false);
  equal(hasGlobMagic("/a/*.txt"), true);
  equal(hasGlobMagic("/a/\\*.txt"), false);
  equal(hasGlobMagic("/a/[abc].txt"), true);
  equal(hasGlobMagic("/a/[abc.txt"), false);
  equal(hasGlobMagic("/a/?"), true);
});

Deno.test("glob: table of matches", () => {
  const table: Array<[string, string, boolean]> = [
    ["/p/*.ts", "/p/a.ts", true],
    ["/p/*.ts", "/p/.hidden.ts", true],
    ["/p/*.ts", "/p/d/a.ts", false],
    ["/p/**/*.ts", "/p/a.ts", true],
    ["/p/**/*.ts", "/p/x/y/a.ts", true],
    ["/p/**/.env", "/p/.env", true],
    ["/p/**/.env", "/p/a/b/.env", true],
    ["/p/**/.env", "/p/a/b/.env.local", false],
    ["/p/**", "/p", false],
    ["/p/**", "/p/a", true],
    ["/p/**", "/p/a/b/c", true],
    ["/p/src/**/*.ts", "/p/src/x.ts", true],
    ["/p/src/**/*.ts", "/p/other/x.ts", false],
    ["/p/?.txt", "/p/a.txt", true],
    ["/p/?.txt", "/p/ab.txt", false],
    ["/p/?.txt", "/p/é.txt", true],
    ["/p/[abc].txt", "/p/b.txt", true],
    ["/p/[abc].txt", "/p/d.txt", false],
    ["/p/[a-c]x", "/p/bx", true],
    ["/p/[!a-c]x", "/p/bx", false],
    ["/p/[!a-c]x", "/p/dx", true],
    ["/p/[^a]x", "/p/bx", true],
    ["/p/[a.txt", "/p/[a.txt", true],
    ["/p/\\*.txt", "/p/*.txt", true],
    ["/p/\\*.txt", "/p/a.txt", false],
    ["/p/a b/*.pem", "/p/a b/k.pem", true],
    ["/p/日本/*.md", "/p/日本/r.md", true],
    ["/p/a**b", "/p/axxb", true],
    ["/p/a**b", "/p/ax/xb", false],
    ["/p/[]]x", "/p/]x", true],
  ];
  for (const [pattern, path, want] of table) equal(m(pattern, path), want, `${pattern} vs ${path}`);
});

Deno.test("glob: literal prefix is where expansion starts", () => {
  equal(literalPrefix(parseGlob("/home/u/proj/**/*.pem")), "/home/u/proj");
  equal(literalPrefix(parseGlob("/*.pem")), "/");
  equal(literalPrefix(parseGlob("/a/b[c]/d")), "/a");
});

Deno.test("glob: pruning says whether a directory can lead to a match", () => {
  const g = parseGlob("/p/src/*/x.ts");
  equal(couldMatchBelow(g, "/p"), true);
  equal(couldMatchBelow(g, "/p/src/a"), true);
  equal(couldMatchBelow(g, "/p/lib"), false);
  equal(couldMatchBelow(g, "/p/src/a/b"), false);
  equal(couldMatchBelow(parseGlob("/p/**/x"), "/p/a/b/c"), true);
});

Deno.test("glob: relative patterns are refused by the parser", () => {
  throws(() => parseGlob("src/*.ts"), TypeError);
});
