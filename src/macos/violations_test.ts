import { deepStrictEqual, equal } from "node:assert/strict";
import { isIgnored, parseViolationLine } from "./violations.ts";

Deno.test("violations: log lines become events; other runs' lines are skipped", () => {
  const line =
    "2026-11-27 10:00:00.123 E  kernel[0:1a2b] (Sandbox) Sandbox: curl(4242) deny(1) file-read-data /Users/a/.ssh/id_rsa srt-abc123";
  const e = parseViolationLine(line, "srt-abc123", "curl x");
  deepStrictEqual(e && { ...e, time: null }, {
    kind: "violation",
    time: null,
    process: "curl",
    pid: 4242,
    operation: "file-read-data",
    path: "/Users/a/.ssh/id_rsa",
    command: "curl x",
  });
  equal(parseViolationLine(line.replace("srt-abc123", "srt-ffff00"), "srt-abc123", "x"), null);
  const net = parseViolationLine(
    "Sandbox: nc(7) deny(1) network-outbound 1.2.3.4:443 srt-abc123",
    "srt-abc123",
    "nc",
  );
  equal(net?.operation, "network-outbound");
  equal(net?.path, "1.2.3.4:443");
});

Deno.test("violations: ignoreViolations by command pattern and path prefix", () => {
  const e = parseViolationLine(
    "Sandbox: git(1) deny(1) file-write-create /usr/local/x srt-aa",
    "srt-aa",
    "git status",
  )!;
  equal(isIgnored(e, { "*": ["/usr/local"] }), true);
  equal(isIgnored(e, { "git": ["/usr/local/x"] }), true);
  equal(isIgnored(e, { "npm": ["/usr/local"] }), false);
  equal(isIgnored(e, { "*": ["/usr/loc"] }), false);
});
