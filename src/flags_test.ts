import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { parseArgs } from "./flags.ts";

Deno.test("flags: options stop at the first positional; -- ends options", () => {
  const inv = parseArgs(["-d", "curl", "-s", "--allow-net=x.com", "http://x"]);
  equal(inv.kind, "run");
  if (inv.kind !== "run") return;
  equal(inv.debug, true);
  deepStrictEqual(inv.command, { argv: ["curl", "-s", "--allow-net=x.com", "http://x"] });
  deepStrictEqual(inv.permissions.allowNet, []);
  const dd = parseArgs(["--", "-weird", "arg"]);
  deepStrictEqual(dd.kind === "run" && dd.command, { argv: ["-weird", "arg"] });
});

Deno.test("flags: permission flags in Deno's grammar", () => {
  const inv = parseArgs([
    "--allow-net=a.com,*.b.org:443",
    "--deny-net=evil.a.com",
    "--allow-read=./pub",
    "--deny-read=~/.ssh,~/.aws",
    "--allow-write=/tmp/out",
    "--deny-write=.env",
    "--allow-unix-socket=/run/x.sock",
    "-s",
    "/etc/srt.json",
    "ls",
  ]);
  if (inv.kind !== "run") throw new Error("not run");
  deepStrictEqual(inv.permissions, {
    allowNet: ["a.com", "*.b.org:443"],
    denyNet: ["evil.a.com"],
    allowRead: ["./pub"],
    denyRead: ["~/.ssh", "~/.aws"],
    allowWrite: ["/tmp/out"],
    denyWrite: [".env"],
    allowUnixSocket: ["/run/x.sock"],
  });
  equal(inv.settingsPath, "/etc/srt.json");
  const all = parseArgs(["--allow-net", "--allow-unix-socket", "true"]);
  if (all.kind !== "run") throw new Error("not run");
  equal(all.permissions.allowNet, "all");
  equal(all.permissions.allowUnixSocket, "all");
});

Deno.test("flags: -c runs a shell string; help, version, proxy", () => {
  const c = parseArgs(["-c", "echo $HOME | wc"]);
  deepStrictEqual(c.kind === "run" && c.command, { shell: "echo $HOME | wc" });
  equal(parseArgs(["-h"]).kind, "help");
  equal(parseArgs(["--version"]).kind, "version");
  const p = parseArgs(["proxy", "--listen", "127.0.0.1:9000"]);
  deepStrictEqual(p.kind === "proxy" && p.listen, "127.0.0.1:9000");
  equal(parseArgs(["--", "proxy"]).kind, "run");
});

Deno.test("flags: bad flags name the problem", () => {
  throws(() => parseArgs([]), /No command given/);
  throws(() => parseArgs(["--bogus", "ls"]), /Unknown option "--bogus"/);
  throws(() => parseArgs(["--allow-read", "ls"]), /needs a list/);
  throws(() => parseArgs(["--allow-net=a.com,,b.com", "ls"]), /empty entry/);
  throws(() => parseArgs(["-s"]), /needs a value/);
  throws(() => parseArgs(["-c"]), /needs a value/);
  throws(() => parseArgs(["-c", "ls", "extra"]), /takes one shell string/);
  throws(() => parseArgs(["proxy"]), /needs --listen/);
  throws(() => parseArgs(["-d=1", "ls"]), /Unknown option|takes no value/);
});
