import { equal } from "node:assert/strict";
import { buildSeccompFilter, retErrno, runSeccompFilter, SECCOMP_RET_ALLOW } from "./seccomp.ts";

const X86 = 0xc000003e;
const ARM = 0xc00000b7;
const I386 = 0x40000003;
const EPERM = retErrno(1);
const ENOSYS = retErrno(38);

Deno.test("seccomp: x86_64 program refuses what it must and allows the rest", () => {
  const p = buildSeccompFilter({ arch: "x86_64", allowUnixSockets: false, allowListen: false });
  const run = (nr: number, args: number[] = []) => runSeccompFilter(p, { arch: X86, nr, args });
  equal(run(41, [1, 1, 0]), EPERM, "socket(AF_UNIX)");
  equal(run(41, [2, 1, 0]), SECCOMP_RET_ALLOW, "socket(AF_INET)");
  equal(run(41, [10, 2, 0]), SECCOMP_RET_ALLOW, "socket(AF_INET6)");
  equal(run(272, [0x10000000]), EPERM, "unshare(CLONE_NEWUSER)");
  equal(run(272, [0x00020000]), SECCOMP_RET_ALLOW, "unshare(CLONE_NEWNS)");
  equal(run(56, [0x10000000 | 0x11]), EPERM, "clone(CLONE_NEWUSER)");
  equal(run(56, [0x01200011]), SECCOMP_RET_ALLOW, "plain fork-like clone");
  equal(run(435), ENOSYS, "clone3");
  equal(run(425), EPERM, "io_uring_setup");
  equal(run(16, [0, 0x5412]), EPERM, "TIOCSTI");
  equal(run(16, [0, 0x541c]), EPERM, "TIOCLINUX");
  equal(run(16, [0, 0x5401]), SECCOMP_RET_ALLOW, "TCGETS");
  equal(run(50), EPERM, "listen");
  equal(run(250), EPERM, "keyctl");
  equal(run(0), SECCOMP_RET_ALLOW, "read");
  equal(run(0x40000000 + 41), EPERM, "x32 ABI");
  equal(runSeccompFilter(p, { arch: I386, nr: 1 }), EPERM, "i386 ABI");
  equal(runSeccompFilter(p, { arch: ARM, nr: 63 }), EPERM, "foreign arch");
});

Deno.test("seccomp: aarch64 numbers and switches", () => {
  const p = buildSeccompFilter({ arch: "aarch64", allowUnixSockets: true, allowListen: true });
  const run = (nr: number, args: number[] = []) => runSeccompFilter(p, { arch: ARM, nr, args });
  equal(run(198, [1]), SECCOMP_RET_ALLOW, "unix sockets allowed");
  equal(run(201), SECCOMP_RET_ALLOW, "listen allowed");
  equal(run(97, [0x10000000]), EPERM, "unshare(CLONE_NEWUSER)");
  equal(run(220, [0x10000000]), EPERM, "clone(CLONE_NEWUSER)");
  equal(run(29, [0, 0x5412]), EPERM, "TIOCSTI");
  equal(runSeccompFilter(p, { arch: X86, nr: 0 }), EPERM, "foreign arch");
  const strict = buildSeccompFilter({
    arch: "aarch64",
    allowUnixSockets: false,
    allowListen: false,
  });
  equal(runSeccompFilter(strict, { arch: ARM, nr: 198, args: [1] }), EPERM);
  equal(runSeccompFilter(strict, { arch: ARM, nr: 201 }), EPERM);
});
