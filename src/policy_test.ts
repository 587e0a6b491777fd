import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { expandPath, policyHasNetwork, resolvePolicy } from "./policy.ts";

const base = { cwd: "/work/proj", home: "/home/u" };

Deno.test("policy: defaults are no network, writes only in the current directory", () => {
  const p = resolvePolicy({ settings: {}, ...base });
  deepStrictEqual(p.filesystem.allowWrite.map((r) => r.path), ["/work/proj"]);
  deepStrictEqual(p.filesystem.denyRead, []);
  equal(policyHasNetwork(p), false);
  equal(p.filesystem.mandatoryDenySearchDepth, 3);
});

Deno.test("policy: paths expand ~ and relative parts; globs are parsed; literal entries are not", () => {
  const p = resolvePolicy({
    settings: {
      filesystem: { denyRead: ["~/.ssh", "../other/*.pem", { path: "/x/[a].txt", literal: true }] },
    },
    ...base,
  });
  deepStrictEqual(p.filesystem.denyRead.map((r) => [r.path, r.glob !== null]), [
    ["/home/u/.ssh", false],
    ["/work/other/*.pem", true],
    ["/x/[a].txt", false],
  ]);
  equal(expandPath("~", "/c", "/h"), "/h");
  equal(expandPath("./a/../b/", "/c", "/h"), "/c/b");
  throws(() => expandPath("~bob/x", "/c", "/h"), /~user/);
});

Deno.test("policy: flags merge over settings; deny lists grow; --allow-net alone allows all", () => {
  const p = resolvePolicy({
    settings: {
      network: { allowedDomains: ["a.com"], deniedDomains: ["x.a.com"] },
      filesystem: { allowWrite: ["/data"] },
    },
    flags: {
      allowNet: ["b.com"],
      denyNet: ["c.b.com"],
      allowWrite: ["./out"],
      denyWrite: [".env"],
    },
    ...base,
  });
  deepStrictEqual(p.network.allow.map((r) => r.source), ["a.com", "b.com"]);
  deepStrictEqual(p.network.deny.map((r) => r.source), ["x.a.com", "c.b.com"]);
  deepStrictEqual(p.filesystem.allowWrite.map((r) => r.path), ["/data", "/work/proj/out"]);
  deepStrictEqual(p.filesystem.denyWrite.map((r) => r.path), ["/work/proj/.env"]);
  const all = resolvePolicy({ settings: {}, flags: { allowNet: "all" }, ...base });
  equal(all.network.allowAll, true);
  equal(policyHasNetwork(all), true);
});

Deno.test("policy: bad flag values are srt errors naming the flag", () => {
  throws(
    () => resolvePolicy({ settings: {}, flags: { allowNet: ["https://x.com"] }, ...base }),
    /--allow-net\[0\]: "https:\/\/x.com" is not a domain pattern \(drop the scheme\)/,
  );
});
