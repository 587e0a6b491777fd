/**
 * One table of expected outcomes, held against both platforms: the real
 * Linux sandbox (bwrap, checked by trying each operation and looking from
 * outside) and the generated macOS profile (through the SBPL evaluator).
 */

import { equal } from "node:assert/strict";
import { resolvePolicy } from "../src/policy.ts";
import type { Settings } from "../src/settings.ts";
import { canonicalMacPath, generateSeatbeltProfile } from "../src/macos/profile.ts";
import { SbplProfile } from "./sbpl_eval.ts";
import { sandboxed, withTempDir } from "./_helpers.ts";

type Op = "read" | "write" | "create" | "unlink";

interface Check {
  op: Op;
  /** Relative to the project; `~/` for home, `@/` for a directory outside both. */
  path: string;
  allowed: boolean;
}

interface Case {
  name: string;
  settings: Settings;
  files?: string[];
  dirs?: string[];
  git?: boolean;
  checks: Check[];
}

export const CASES: Case[] = [
  {
    name: "defaults: read anywhere, write only in the project",
    settings: {},
    files: ["~/notes", "@/data", "file.txt"],
    checks: [
      { op: "read", path: "~/notes", allowed: true },
      { op: "read", path: "@/data", allowed: true },
      { op: "write", path: "file.txt", allowed: true },
      { op: "create", path: "new.txt", allowed: true },
      { op: "create", path: "~/new.txt", allowed: false },
      { op: "write", path: "~/notes", allowed: false },
      { op: "create", path: "@/new.txt", allowed: false },
    ],
  },
  {
    name: "denyRead with allowRead re-opening, and a glob",
    settings: {
      filesystem: { denyRead: ["~/.ssh", "**/*.pem"], allowRead: ["~/.ssh/known_hosts"] },
    },
    dirs: ["~/.ssh", "a/b"],
    files: ["~/.ssh/id_ed25519", "~/.ssh/known_hosts", "a/b/key.pem", "a/b/key.txt", "top.pem"],
    checks: [
      { op: "read", path: "~/.ssh/id_ed25519", allowed: false },
      { op: "read", path: "~/.ssh/known_hosts", allowed: true },
      { op: "read", path: "a/b/key.pem", allowed: false },
      { op: "read", path: "top.pem", allowed: false },
      { op: "read", path: "a/b/key.txt", allowed: true },
    ],
  },
  {
    name: "denyWrite beats allowWrite, for existing and future paths",
    settings: { filesystem: { denyWrite: ["locked.txt", ".env", "conf/**"] } },
    dirs: ["conf"],
    files: ["locked.txt", "ok.txt", "conf/app.json"],
    checks: [
      { op: "write", path: "locked.txt", allowed: false },
      { op: "unlink", path: "locked.txt", allowed: false },
      { op: "create", path: ".env", allowed: false },
      { op: "write", path: "conf/app.json", allowed: false },
      { op: "write", path: "ok.txt", allowed: true },
      { op: "unlink", path: "ok.txt", allowed: true },
    ],
  },
  {
    name: "mandatory protections: shell, editor and git files",
    settings: {},
    git: true,
    dirs: ["sub/.vscode"],
    checks: [
      { op: "create", path: ".bashrc", allowed: false },
      { op: "create", path: ".mcp.json", allowed: false },
      { op: "create", path: ".vscode", allowed: false },
      { op: "create", path: "sub/.vscode/tasks.json", allowed: false },
      { op: "unlink", path: "sub", allowed: false },
      { op: "create", path: ".git/hooks/pre-commit", allowed: false },
      { op: "write", path: ".git/config", allowed: false },
      { op: "unlink", path: ".git", allowed: false },
      { op: "create", path: ".git/objects/new-object", allowed: true },
      { op: "create", path: "sub/fine.txt", allowed: true },
    ],
  },
  {
    name: "allowWrite elsewhere replaces the default; $HOME start-up files stay protected",
    settings: { filesystem: { allowWrite: ["@/out", "~"] } },
    dirs: ["@/out"],
    files: ["~/.bashrc"],
    checks: [
      { op: "create", path: "@/out/result", allowed: true },
      { op: "create", path: "~/notes.txt", allowed: true },
      { op: "write", path: "~/.bashrc", allowed: false },
      { op: "create", path: "~/.zshrc", allowed: false },
    ],
  },
];

interface Layout {
  cwd: string;
  home: string;
  outside: string;
}

function resolve(l: Layout, p: string): string {
  if (p.startsWith("~/")) return `${l.home}/${p.slice(2)}`;
  if (p.startsWith("@/")) return `${l.outside}/${p.slice(2)}`;
  return `${l.cwd}/${p}`;
}

/** The case's settings with `@/` paths pointing at the outside directory. */
function settingsFor(l: Layout, c: Case): Settings {
  return JSON.parse(JSON.stringify(c.settings).replaceAll('"@/', `"${l.outside}/`));
}

function layout(base: string, c: Case): Layout {
  const l = { home: `${base}/home`, cwd: `${base}/home/proj`, outside: `${base}/outside` };
  for (const d of [l.cwd, l.outside, ...(c.dirs ?? []).map((d) => resolve(l, d))]) {
    Deno.mkdirSync(d, { recursive: true });
  }
  for (const f of c.files ?? []) Deno.writeTextFileSync(resolve(l, f), "data\n");
  if (c.git) new Deno.Command("git", { args: ["init", "-q"], cwd: l.cwd }).outputSync();
  return l;
}

const shq = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

function script(l: Layout, checks: Check[]): string {
  return checks.map((c, i) => {
    const p = shq(resolve(l, c.path));
    const attempt = {
      read: `cat ${p}`,
      write: `: >> ${p}`,
      create: `: > ${p}`,
      unlink: `mv ${p} ${p}.moved`,
    }[c.op];
    return `if (${attempt}) >/dev/null 2>&1; then echo "${i} 1"; else echo "${i} 0"; fi`;
  }).join("\n");
}

for (const c of CASES) {
  Deno.test({
    name: `table (linux): ${c.name}`,
    ignore: Deno.build.os !== "linux",
    fn: () =>
      withTempDir(async (base) => {
        const l = layout(base, c);
        const r = await sandboxed(["/bin/sh", "-c", script(l, c.checks)], {
          cwd: l.cwd,
          home: l.home,
          settings: settingsFor(l, c),
        });
        const got = new Map(
          r.stdout.trim().split("\n").map((line) =>
            line.split(" ").map(Number) as [number, number]
          ),
        );
        c.checks.forEach((check, i) => {
          equal(got.get(i) === 1, check.allowed, `${check.op} ${check.path}: ${r.stderr}`);
          if (!check.allowed && check.op === "create") {
            const path = resolve(l, check.path);
            let size = -1;
            try {
              size = Deno.statSync(path).size;
            } catch {
              // absent: good
            }
            equal(size, -1, `${path} exists after a refused create`);
          }
        });
      }),
  });

  Deno.test(`table (macOS profile): ${c.name}`, () =>
    withTempDir(async (base) => {
      const l = layout(base, c);
      const policy = resolvePolicy({ settings: settingsFor(l, c), cwd: l.cwd, home: l.home });
      const { profile, params } = generateSeatbeltProfile(policy, {
        proxyPorts: [40000],
        tmpDir: `${base}/tmp`,
        tag: "srt-test",
      });
      const sb = new SbplProfile(profile, { ...params });
      const ops: Record<Op, string> = {
        read: "file-read-data",
        write: "file-write-data",
        create: "file-write-create",
        unlink: "file-write-unlink",
      };
      for (const check of c.checks) {
        const target = canonicalMacPath(resolve(l, check.path));
        equal(sb.allows(ops[check.op], target), check.allowed, `${check.op} ${check.path}`);
      }
      await Promise.resolve();
    }));
}

Deno.test("macOS profile: network only to the proxy ports; local binding and unix sockets when asked", () => {
  const policy = resolvePolicy({ settings: {}, cwd: "/Users/a/p", home: "/Users/a" });
  const plain = generateSeatbeltProfile(policy, {
    proxyPorts: [41000],
    tmpDir: "/tmp/x",
    tag: "srt-t",
  });
  const sb = new SbplProfile(plain.profile, { ...plain.params });
  equal(sb.allows("network-outbound", "remote:ip:localhost:41000"), true);
  equal(sb.allows("network-outbound", "remote:ip:localhost:22"), false);
  equal(sb.allows("network-outbound", "remote:ip:*:443"), false);
  equal(sb.allows("network-bind", "local:ip:localhost:8080"), false);
  equal(sb.allows("network-outbound", "remote:unix:/var/run/docker.sock"), false);
  const open = resolvePolicy({
    settings: {
      network: { allowLocalBinding: true, allowUnixSockets: ["/Users/a/.docker/run/docker.sock"] },
    },
    cwd: "/Users/a/p",
    home: "/Users/a",
  });
  const o = generateSeatbeltProfile(open, { proxyPorts: [], tmpDir: "/tmp/x", tag: "srt-t" });
  const sb2 = new SbplProfile(o.profile, { ...o.params });
  equal(sb2.allows("network-bind", "local:ip:localhost:8080"), true);
  equal(sb2.allows("network-inbound", "local:ip:localhost:8080"), true);
  equal(sb2.allows("network-outbound", "remote:unix:/Users/a/.docker/run/docker.sock"), true);
  equal(sb2.allows("network-outbound", "remote:unix:/Users/a/.docker/run/other.sock"), false);
  equal(sb2.allows("process-exec", "/bin/ls"), true);
  equal(sb2.allows("signal", "x"), false);
});
