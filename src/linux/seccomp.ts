/**
 * A classic-BPF seccomp program, generated here, in the raw form bubblewrap's
 * `--seccomp FD` reads (an array of 8-byte `struct sock_filter`).
 *
 * What it refuses: syscalls of a foreign architecture (e.g. i386 or x32 on
 * x86_64), `socket(AF_UNIX, ...)` unless unix sockets are allowed, io_uring,
 * new user namespaces (`unshare`/`clone` with `CLONE_NEWUSER`; `clone3` gets
 * ENOSYS so libc falls back to `clone`), the keyring, terminal injection
 * (`ioctl` `TIOCSTI`/`TIOCLINUX`), and `listen` unless local binding is
 * allowed.
 * @module
 */

/** Architectures the generator knows. */
export type SeccompArch = "x86_64" | "aarch64";

/** What to refuse. */
export interface SeccompOptions {
  /** Target architecture. */
  readonly arch: SeccompArch;
  /** Let the command create unix sockets. */
  readonly allowUnixSockets: boolean;
  /** Let the command listen for connections (servers on its private loopback). */
  readonly allowListen: boolean;
}

interface ArchInfo {
  audit: number;
  nr: Record<
    | "socket"
    | "unshare"
    | "clone"
    | "clone3"
    | "ioctl"
    | "io_uring_setup"
    | "io_uring_enter"
    | "io_uring_register"
    | "keyctl"
    | "add_key"
    | "request_key"
    | "listen",
    number
  >;
}

const ARCHES: Record<SeccompArch, ArchInfo> = {
  x86_64: {
    audit: 0xc000003e,
    nr: {
      socket: 41,
      listen: 50,
      clone: 56,
      ioctl: 16,
      unshare: 272,
      clone3: 435,
      io_uring_setup: 425,
      io_uring_enter: 426,
      io_uring_register: 427,
      add_key: 248,
      request_key: 249,
      keyctl: 250,
    },
  },
  aarch64: {
    audit: 0xc00000b7,
    nr: {
      socket: 198,
      listen: 201,
      clone: 220,
      ioctl: 29,
      unshare: 97,
      clone3: 435,
      io_uring_setup: 425,
      io_uring_enter: 426,
      io_uring_register: 427,
      add_key: 217,
      request_key: 218,
      keyctl: 219,
    },
  },
};

// BPF opcodes.
const LD_W_ABS = 0x20;
const JEQ_K = 0x15;
const JGE_K = 0x35;
const JSET_K = 0x45;
const RET_K = 0x06;

/** seccomp return values. */
export const SECCOMP_RET_ALLOW = 0x7fff0000;
/** `SECCOMP_RET_ERRNO | errno`. */
export const retErrno = (errno: number): number => 0x00050000 | (errno & 0xffff);

const EPERM = 1;
const ENOSYS = 38;
const AF_UNIX = 1;
const CLONE_NEWUSER = 0x10000000;
const TIOCSTI = 0x5412;
const TIOCLINUX = 0x541c;
const X32_SYSCALL_BIT = 0x40000000;

/** Offsets in `struct seccomp_data`. */
const OFF_NR = 0;
const OFF_ARCH = 4;
const argLow = (i: number) => 16 + 8 * i; // little-endian low word

/** One instruction; jumps are symbolic until assembled. */
type Insn =
  | { op: number; k: number }
  | { op: number; k: number; t: string | 0; f: string | 0 }
  | { label: string };

/** The host architecture as a seccomp target, or null when unsupported. */
export function hostArch(): SeccompArch | null {
  return Deno.build.arch === "x86_64" ? "x86_64" : Deno.build.arch === "aarch64" ? "aarch64" : null;
}

/** Builds the program; returns the bytes for `bwrap --seccomp FD`. */
export function buildSeccompFilter(options: SeccompOptions): Uint8Array {
  const a = ARCHES[options.arch];
  const prog: Insn[] = [];
  const ld = (off: number) => prog.push({ op: LD_W_ABS, k: off });
  const ret = (k: number) => prog.push({ op: RET_K, k });
  const jeq = (k: number, t: string | 0, f: string | 0) => prog.push({ op: JEQ_K, k, t, f });
  const label = (name: string) => prog.push({ label: name });

  ld(OFF_ARCH);
  jeq(a.audit, 0, "deny_eperm");
  ld(OFF_NR);
  if (options.arch === "x86_64") {
    prog.push({ op: JGE_K, k: X32_SYSCALL_BIT, t: "deny_eperm", f: 0 });
  }

  const simple: Array<[number, string]> = [
    [a.nr.io_uring_setup, "deny_eperm"],
    [a.nr.io_uring_enter, "deny_eperm"],
    [a.nr.io_uring_register, "deny_eperm"],
    [a.nr.keyctl, "deny_eperm"],
    [a.nr.add_key, "deny_eperm"],
    [a.nr.request_key, "deny_eperm"],
    [a.nr.clone3, "deny_enosys"],
  ];
  if (!options.allowListen) simple.push([a.nr.listen, "deny_eperm"]);
  for (const [nr, target] of simple) jeq(nr, target, 0);
  jeq(a.nr.unshare, "check_flags", 0);
  jeq(a.nr.clone, "check_flags", 0);
  jeq(a.nr.ioctl, "check_ioctl", 0);
  if (!options.allowUnixSockets) jeq(a.nr.socket, "check_socket", 0);
  ret(SECCOMP_RET_ALLOW);

  label("check_flags");
  ld(argLow(0));
  prog.push({ op: JSET_K, k: CLONE_NEWUSER, t: "deny_eperm", f: 0 });
  ret(SECCOMP_RET_ALLOW);

  label("check_ioctl");
  ld(argLow(1));
  jeq(TIOCSTI, "deny_eperm", 0);
  jeq(TIOCLINUX, "deny_eperm", 0);
  ret(SECCOMP_RET_ALLOW);

  if (!options.allowUnixSockets) {
    label("check_socket");
    ld(argLow(0));
    jeq(AF_UNIX, "deny_eperm", 0);
    ret(SECCOMP_RET_ALLOW);
  }

  label("deny_eperm");
  ret(retErrno(EPERM));
  label("deny_enosys");
  ret(retErrno(ENOSYS));
  return assemble(prog);
}

function assemble(prog: Insn[]): Uint8Array {
  const labels = new Map<string, number>();
  const real: Exclude<Insn, { label: string }>[] = [];
  for (const insn of prog) {
    if ("label" in insn) labels.set(insn.label, real.length);
    else real.push(insn);
  }
  const out = new Uint8Array(real.length * 8);
  const view = new DataView(out.buffer);
  real.forEach((insn, i) => {
    const rel = (target: string | 0): number => {
      if (target === 0) return 0;
      const at = labels.get(target);
      if (at === undefined) throw new RangeError(`Unknown BPF label "${target}"`);
      const offset = at - (i + 1);
      if (offset < 0 || offset > 255) throw new RangeError(`BPF jump to "${target}" out of range`);
      return offset;
    };
    view.setUint16(i * 8, insn.op, true);
    view.setUint8(i * 8 + 2, "t" in insn ? rel(insn.t) : 0);
    view.setUint8(i * 8 + 3, "f" in insn ? rel(insn.f) : 0);
    view.setUint32(i * 8 + 4, insn.k >>> 0, true);
  });
  return out;
}

/** Input to {@link runSeccompFilter}: one syscall as the kernel presents it. */
export interface SyscallData {
  /** Audit architecture value. */
  readonly arch: number;
  /** Syscall number. */
  readonly nr: number;
  /** Low 32 bits of the arguments. */
  readonly args?: readonly number[];
}

/**
 * Interprets a program the way the kernel would (for tests of the generator
 * against the classic-BPF semantics; the real kernel is exercised by the
 * integration tests). Returns the seccomp return value.
 */
export function runSeccompFilter(program: Uint8Array, data: SyscallData): number {
  const view = new DataView(program.buffer, program.byteOffset, program.byteLength);
  const word = (off: number): number => {
    if (off === OFF_NR) return data.nr >>> 0;
    if (off === OFF_ARCH) return data.arch >>> 0;
    const i = (off - 16) / 8;
    return Number.isInteger(i) ? (data.args?.[i] ?? 0) >>> 0 : 0;
  };
  let acc = 0;
  for (let pc = 0; pc * 8 < program.length;) {
    const op = view.getUint16(pc * 8, true);
    const jt = view.getUint8(pc * 8 + 2);
    const jf = view.getUint8(pc * 8 + 3);
    const k = view.getUint32(pc * 8 + 4, true);
    pc++;
    switch (op) {
      case LD_W_ABS:
        acc = word(k);
        break;
      case JEQ_K:
        pc += acc === k ? jt : jf;
        break;
      case JGE_K:
        pc += acc >= k ? jt : jf;
        break;
      case JSET_K:
        pc += (acc & k) !== 0 ? jt : jf;
        break;
      case RET_K:
        return k;
      default:
        throw new RangeError(`Unknown BPF opcode ${op}`);
    }
  }
  throw new RangeError("BPF program fell off its end");
}
