import { deepStrictEqual, equal } from "node:assert/strict";
import { isIgnored, isNoise, parseViolation, startViolationMonitor } from "./violations.ts";
import type { ViolationEvent } from "../events.ts";

Deno.test("violations: log events become events; other runs' events are skipped", () => {
  const sameLine =
    "2026-11-27 10:00:00.123 E  kernel[0:1a2b] (Sandbox) Sandbox: curl(4242) deny(1) file-read-data /Users/a/.ssh/id_rsa srt-abc123";
  const e = parseViolation(sameLine, "srt-abc123", "curl x");
  deepStrictEqual(e && { ...e, time: null }, {
    kind: "violation",
    time: null,
    process: "curl",
    pid: 4242,
    operation: "file-read-data",
    path: "/Users/a/.ssh/id_rsa",
    command: "curl x",
  });
  const twoLines =
    "2026-11-27 10:00:00.1 E kernel[0] Sandbox: git(77) deny(1) file-write-create /Users/a/p/.bashrc\nsrt-abc123";
  equal(parseViolation(twoLines, "srt-abc123", "git")?.path, "/Users/a/p/.bashrc");
  equal(parseViolation(sameLine.replace("srt-abc123", "srt-ffff00"), "srt-abc123", "x"), null);
  const net = parseViolation(
    "Sandbox: nc(7) deny(1) network-outbound 1.2.3.4:443 srt-abc123",
    "srt-abc123",
    "nc",
  );
  equal(net?.operation, "network-outbound");
  equal(net?.path, "1.2.3.4:443");
  const noise = parseViolation(
    "Sandbox: curl(1) deny(1) mach-lookup com.apple.analyticsd srt-abc123",
    "srt-abc123",
    "c",
  )!;
  equal(isNoise(noise), true);
  equal(isNoise(net!), false);
});

Deno.test("violations: ignoreViolations by command pattern and path prefix", () => {
  const e = parseViolation(
    "Sandbox: git(1) deny(1) file-write-create /usr/local/x srt-aa",
    "srt-aa",
    "git status",
  )!;
  equal(isIgnored(e, { "*": ["/usr/local"] }), true);
  equal(isIgnored(e, { "git": ["/usr/local/x"] }), true);
  equal(isIgnored(e, { "npm": ["/usr/local"] }), false);
  equal(isIgnored(e, { "*": ["/usr/loc"] }), false);
});

Deno.test("violations: the monitor reads a log stream, skips noise and ignored paths", async () => {
  const dir = Deno.makeTempDirSync();
  const fake = `${dir}/log`;
  Deno.writeTextFileSync(
    fake,
    `#!/bin/sh
echo "Filtering the log data using \"$4\""
echo "10:00 E kernel Sandbox: cat(5) deny(1) file-read-data /Users/a/.ssh/id"
echo "srt-run1"
echo "10:00 E kernel Sandbox: curl(6) deny(1) mach-lookup com.apple.analyticsd srt-run1"
echo "10:00 E kernel Sandbox: git(7) deny(1) file-write-create /usr/local/cache/x srt-run1"
echo "10:00 E kernel Sandbox: sh(8) deny(1) file-write-create /etc/x srt-other"
sleep 5
`,
  );
  Deno.chmodSync(fake, 0o755);
  const events: ViolationEvent[] = [];
  const monitor = startViolationMonitor({
    tag: "srt-run1",
    command: "make",
    ignore: { "*": ["/usr/local/cache"] },
    onEvent: (e) => events.push(e),
    logCommand: fake,
  });
  await new Promise((r) => setTimeout(r, 500));
  await monitor.close();
  Deno.removeSync(dir, { recursive: true });
  deepStrictEqual(events.map((e) => [e.process, e.operation, e.path]), [[
    "cat",
    "file-read-data",
    "/Users/a/.ssh/id",
  ]]);
});
