import { equal, throws } from "node:assert/strict";
import { canonicalHost, decideHost, parseDomainPattern } from "./domain.ts";

Deno.test("domain: valid patterns compile", () => {
  equal(parseDomainPattern("Example.COM.").host, "example.com");
  equal(parseDomainPattern("*.example.com").wildcard, true);
  equal(parseDomainPattern("example.com:443").port, 443);
  equal(parseDomainPattern("[::1]:8080").host, "::1");
  equal(parseDomainPattern("[::1]").port, null);
  equal(parseDomainPattern("bücher.example").host, "xn--bcher-kva.example");
  equal(parseDomainPattern("localhost").host, "localhost");
  equal(parseDomainPattern("127.1").host, "127.0.0.1");
  equal(parseDomainPattern("*", { allowAll: true }).kind, "all");
});

Deno.test("domain: invalid patterns say what is wrong", () => {
  const table: Array<[string, RegExp]> = [
    ["https://x.com", /drop the scheme/],
    ["x.com/path", /drop the path/],
    ["*.com", /too broad/],
    ["*", /too broad/],
    ["a.*.com", /first label/],
    ["*x.com", /first label/],
    ["::1", /brackets/],
    ["2001:db8::1:443", /brackets/],
    ["[::1", /unclosed/],
    ["[zz::1]", /IPv6/],
    ["x.com:0", /1-65535/],
    ["x.com:70000", /1-65535/],
    ["x.com:", /1-65535/],
    ["", /empty/],
    ["bad host.com", /valid hostname/],
    ["-bad.com", /valid hostname/],
    ["*.1.2.3.4", /IP address/],
  ];
  for (const [entry, re] of table) throws(() => parseDomainPattern(entry), re, entry);
});

Deno.test("domain: canonical host handles case, trailing dot, IDN, numeric IPs", () => {
  equal(canonicalHost("WWW.Example.com."), "www.example.com");
  equal(canonicalHost("[::FFFF:127.0.0.1]"), "127.0.0.1");
  equal(canonicalHost("0x7f.0.0.1"), "127.0.0.1");
  equal(canonicalHost("ex ample.com"), null);
  equal(canonicalHost("a@b.com"), null);
});

Deno.test("domain: deny beats allow, wildcards are strict, ports restrict, empty allow blocks", () => {
  const rules = {
    allow: ["*.example.com", "api.other.org:443", "192.0.2.1"].map((p) => parseDomainPattern(p)),
    deny: ["bad.example.com"].map((p) => parseDomainPattern(p)),
    allowAll: false,
  };
  equal(decideHost(rules, "a.example.com", 80).allowed, true);
  equal(decideHost(rules, "example.com", 80).allowed, false);
  equal(decideHost(rules, "notexample.com", 80).allowed, false);
  equal(decideHost(rules, "bad.example.com", 443).allowed, false);
  equal(decideHost(rules, "x.bad.example.com", 443).allowed, true);
  equal(decideHost(rules, "api.other.org", 443).allowed, true);
  equal(decideHost(rules, "api.other.org", 80).allowed, false);
  equal(decideHost(rules, "3221225985", 80).allowed, true);
  equal(decideHost({ allow: [], deny: [], allowAll: false }, "a.com", 80).allowed, false);
  equal(
    decideHost({ allow: [], deny: rules.deny, allowAll: true }, "bad.example.com", 80).allowed,
    false,
  );
  equal(
    decideHost(
      { allow: [], deny: [parseDomainPattern("*", { allowAll: true })], allowAll: true },
      "a.b",
      1,
    ).allowed,
    false,
  );
});
