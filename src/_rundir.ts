/**
 * srt's per-run directory (0700): the proxy socket, the private TMPDIR, the
 * seccomp program and the record of mount-point stubs. A run that was killed
 * (even with SIGKILL) is cleaned up by the next run.
 * @module
 */

import { readDirOrEmpty } from "./_paths.ts";

/** One run's private directory. */
export interface RunDir {
  /** The directory itself. */
  readonly path: string;
  /** The private temp dir given to the command as TMPDIR. */
  readonly tmp: string;
  /** A directory writable inside the sandbox for srt's "command started" marker. */
  readonly mark: string;
  /** Records stubs before they are created, so a later run can remove them. */
  recordStubs(stubs: readonly string[]): void;
  /**
   * Creates the stubs (empty files), remembering which ones srt made. Returns
   * those that cannot be created because their directory is not writable by
   * this user (or is on a read-only filesystem): the command cannot create
   * anything there either, so they need no stub.
   */
  createStubs(stubs: readonly string[]): string[];
  /** Removes stubs and the directory. Safe to call more than once. */
  cleanup(): void;
}

/** Base directory for run dirs: `$XDG_RUNTIME_DIR/srt` if usable, else `/tmp/srt-<uid>`. */
export function runBase(): string {
  const xdg = Deno.env.get("XDG_RUNTIME_DIR");
  if (xdg && xdg.startsWith("/")) {
    try {
      if (Deno.statSync(xdg).isDirectory) return `${xdg}/srt`;
    } catch {
      // fall through
    }
  }
  return `/tmp/srt-${Deno.uid() ?? "user"}`;
}

function ensurePrivateDir(path: string): void {
  try {
    Deno.mkdirSync(path, { mode: 0o700 });
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
  }
  const info = Deno.lstatSync(path);
  if (!info.isDirectory || info.uid !== Deno.uid() || (info.mode! & 0o077) !== 0) {
    throw new Error(
      `"${path}" is not a private directory owned by you (a symlink, another owner, or open permissions); remove it and try again`,
    );
  }
}

function removeStub(path: string): void {
  try {
    const info = Deno.lstatSync(path);
    if (info.isFile && info.size === 0 && (info.mode! & 0o777) === 0o444) Deno.removeSync(path);
  } catch {
    // gone already
  }
}

function pidAlive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch {
    return false;
  }
}

/** Removes what runs that died left behind: their stubs and directories. */
export function cleanStaleRuns(base: string): void {
  for (const entry of readDirOrEmpty(base)) {
    const m = /^run-(\d+)-/.exec(entry.name);
    if (!m || pidAlive(Number(m[1]))) continue;
    const dir = `${base}/${entry.name}`;
    try {
      const stubs = JSON.parse(Deno.readTextFileSync(`${dir}/stubs.json`)) as string[];
      for (const s of stubs) removeStub(s);
    } catch {
      // no stubs recorded
    }
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // another run is cleaning it
    }
  }
}

/** Creates this run's directory after cleaning stale ones. */
export function createRunDir(): RunDir {
  const base = runBase();
  ensurePrivateDir(base);
  cleanStaleRuns(base);
  const id = crypto.getRandomValues(new Uint8Array(6)).reduce(
    (s, b) => s + b.toString(16).padStart(2, "0"),
    "",
  );
  const path = `${base}/run-${Deno.pid}-${id}`;
  Deno.mkdirSync(path, { mode: 0o700 });
  const tmp = `${path}/tmp`;
  Deno.mkdirSync(tmp, { mode: 0o700 });
  const mark = `${path}/mark`;
  Deno.mkdirSync(mark, { mode: 0o700 });
  const created: string[] = [];
  let cleaned = false;
  return {
    path,
    tmp,
    mark,
    recordStubs(stubs) {
      if (stubs.length) Deno.writeTextFileSync(`${path}/stubs.json`, JSON.stringify(stubs));
    },
    createStubs(stubs) {
      const unneeded: string[] = [];
      for (const stub of stubs) {
        try {
          Deno.writeFileSync(stub, new Uint8Array(), { createNew: true, mode: 0o444 });
          created.push(stub);
        } catch (error) {
          if (error instanceof Deno.errors.AlreadyExists) continue;
          if (
            error instanceof Deno.errors.PermissionDenied || /EROFS|read-only/i.test(String(error))
          ) {
            unneeded.push(stub);
            continue;
          }
          throw error;
        }
      }
      return unneeded;
    },
    cleanup() {
      if (cleaned) return;
      cleaned = true;
      for (const s of created) removeStub(s);
      try {
        Deno.removeSync(path, { recursive: true });
      } catch {
        // nothing left
      }
    },
  };
}
