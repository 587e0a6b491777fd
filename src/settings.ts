/**
 * The settings file (`~/.srt-settings.json`, JSONC): loading, validation with
 * file:line:column and key paths, and the fail-closed rules.
 * @module
 */

import { type JsoncNode as Node, JsoncSyntaxError, parseJsonc } from "./jsonc.ts";
import { SrtError } from "./errors.ts";
import { parseDomainPattern } from "./domain.ts";

/** A filesystem entry: a path or glob, or `{ path, literal: true }` for no glob expansion. */
export type PathEntry = string | { readonly path: string; readonly literal?: boolean };

/** The settings keys srt understands (those of the TypeScript original that users already have). */
export interface Settings {
  /** Network rules. */
  network?: {
    allowedDomains?: string[];
    deniedDomains?: string[];
    allowUnixSockets?: string[];
    allowAllUnixSockets?: boolean;
    allowLocalBinding?: boolean;
    httpProxyPort?: number;
    socksProxyPort?: number;
  };
  /** Filesystem rules. */
  filesystem?: {
    denyRead?: PathEntry[];
    allowRead?: PathEntry[];
    allowWrite?: PathEntry[];
    denyWrite?: PathEntry[];
  };
  /** Command pattern (`*` for all) to paths whose violations are not reported. */
  ignoreViolations?: Record<string, string[]>;
  /** Linux: run inside an unprivileged container that cannot mount a new /proc. */
  enableWeakerNestedSandbox?: boolean;
  /** macOS: let the command reach trustd (Go programs verify TLS through it). */
  enableWeakerNetworkIsolation?: boolean;
  /** macOS: let the command allocate new pseudo-terminals (tmux, script, expect). */
  allowPty?: boolean;
  /** Linux: how deep below the current directory to look for protected files (1-10, default 3). */
  mandatoryDenySearchDepth?: number;
}

/** Settings as loaded, with warnings (unknown keys) for the caller to print. */
export interface LoadedSettings {
  /** The validated settings. */
  readonly settings: Settings;
  /** The file they came from, or null for built-in defaults. */
  readonly path: string | null;
  /** Non-fatal findings, each a full sentence naming file, position and key. */
  readonly warnings: readonly string[];
}

type Kind = "string" | "boolean" | "port" | "depth" | "domain" | "domainOrAll" | "path";
type Shape =
  | { type: "object"; keys: Record<string, Shape> }
  | { type: "array"; of: Kind }
  | { type: "record" }
  | { type: Kind };

const PATHS: Shape = { type: "array", of: "path" };
const SCHEMA: Shape = {
  type: "object",
  keys: {
    network: {
      type: "object",
      keys: {
        allowedDomains: { type: "array", of: "domain" },
        deniedDomains: { type: "array", of: "domainOrAll" },
        allowUnixSockets: { type: "array", of: "string" },
        allowAllUnixSockets: { type: "boolean" },
        allowLocalBinding: { type: "boolean" },
        httpProxyPort: { type: "port" },
        socksProxyPort: { type: "port" },
      },
    },
    filesystem: {
      type: "object",
      keys: { denyRead: PATHS, allowRead: PATHS, allowWrite: PATHS, denyWrite: PATHS },
    },
    ignoreViolations: { type: "record" },
    enableWeakerNestedSandbox: { type: "boolean" },
    enableWeakerNetworkIsolation: { type: "boolean" },
    allowPty: { type: "boolean" },
    mandatoryDenySearchDepth: { type: "depth" },
  },
};

/** The default settings path: `~/.srt-settings.json`. */
export function defaultSettingsPath(home: string): string {
  return `${home.replace(/\/+$/, "")}/.srt-settings.json`;
}

/**
 * Loads settings. A path the user named must exist and be valid; the default
 * path may be absent (then built-in defaults apply), but if present it must
 * be valid too. Never falls back to something weaker on error.
 * @throws {SrtError} For anything wrong with the file.
 */
export function loadSettings(
  path: string,
  options: { explicit: boolean; displayPath?: string },
): LoadedSettings {
  const shown = options.displayPath ?? path;
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound && !options.explicit) {
      return { settings: {}, path: null, warnings: [] };
    }
    const why = error instanceof Deno.errors.NotFound
      ? "does not exist"
      : error instanceof Deno.errors.PermissionDenied
      ? "cannot be read (permission denied)"
      : error instanceof Deno.errors.IsADirectory
      ? "is a directory"
      : `cannot be read (${(error as Error).message})`;
    throw new SrtError(
      `Settings file "${shown}" ${why}. Fix the path given with --settings, or create the file; nothing was run.`,
    );
  }
  return parseSettings(text, shown);
}

/**
 * Parses and validates settings text (JSONC: comments and trailing commas allowed).
 * @throws {SrtError} With `file:line:column key.path: what is wrong`.
 */
export function parseSettings(text: string, file: string): LoadedSettings {
  if (text.trim() === "") {
    throw new SrtError(
      `Settings file "${file}" is empty. Write a JSON object such as {} into it, or remove it to use the secure defaults; nothing was run.`,
    );
  }
  const at = (offset: number) => {
    const before = text.slice(0, offset).split("\n");
    return `${file}:${before.length}:${before[before.length - 1].length + 1}`;
  };
  let root: Node;
  try {
    root = parseJsonc(text);
  } catch (error) {
    if (!(error instanceof JsoncSyntaxError)) throw error;
    throw new SrtError(
      `${at(error.offset)}: invalid JSONC: ${error.message}. Fix the file; nothing was run.`,
    );
  }
  const warnings: string[] = [];
  const problems: string[] = [];
  const value = validate(root, SCHEMA, "", { at, warnings, problems });
  if (problems.length > 0) {
    throw new SrtError(
      `Invalid settings, nothing was run:\n${problems.map((p) => `  ${p}`).join("\n")}`,
    );
  }
  return { settings: value as Settings, path: file, warnings };
}

interface Context {
  at(offset: number): string;
  warnings: string[];
  problems: string[];
}

function typeName(node: Node): string {
  switch (node.type) {
    case "null":
      return "null";
    case "string":
      return `the string ${JSON.stringify(node.value)}`;
    case "number":
      return `the number ${node.value}`;
    case "boolean":
      return `${node.value}`;
    default:
      return `an ${node.type}`;
  }
}

function validate(node: Node, shape: Shape, path: string, ctx: Context): unknown {
  const fail = (expected: string) => {
    ctx.problems.push(
      `${ctx.at(node.offset)} ${path || "(top level)"}: expected ${expected}, found ${
        typeName(node)
      }`,
    );
    return undefined;
  };
  switch (shape.type) {
    case "object": {
      if (node.type !== "object") return fail("an object");
      const out: Record<string, unknown> = {};
      for (const { key, keyOffset, value: valueNode } of node.properties) {
        const childPath = path ? `${path}.${key}` : key;
        const child = shape.keys[key];
        if (!child && key === "$schema" && path === "") continue; // editors' schema reference
        if (!child) {
          const near = nearest(key, Object.keys(shape.keys));
          ctx.warnings.push(
            `${ctx.at(keyOffset)} ${childPath}: unknown key, ignored${
              near ? ` (did you mean "${near}"?)` : ""
            }`,
          );
          continue;
        }
        out[key] = validate(valueNode, child, childPath, ctx);
      }
      return out;
    }
    case "array": {
      if (node.type !== "array") return fail("an array");
      return node.items.map((item, i) => validate(item, { type: shape.of }, `${path}[${i}]`, ctx));
    }
    case "record": {
      if (node.type !== "object") return fail("an object of command pattern to path list");
      const out: Record<string, string[]> = {};
      for (const { key, value: valueNode } of node.properties) {
        out[key] = validate(
          valueNode,
          { type: "array", of: "string" },
          `${path}[${JSON.stringify(key)}]`,
          ctx,
        ) as string[];
      }
      return out;
    }
    case "string":
      return node.type === "string" ? node.value : fail("a string");
    case "boolean":
      return node.type === "boolean" ? node.value : fail("true or false");
    case "port":
    case "depth": {
      const [min, max] = shape.type === "port" ? [1, 65535] : [1, 10];
      if (
        node.type !== "number" || !Number.isInteger(node.value) || node.value < min ||
        node.value > max
      ) {
        return fail(`a whole number from ${min} to ${max}`);
      }
      return node.value;
    }
    case "domain":
    case "domainOrAll": {
      if (node.type !== "string") return fail("a domain pattern string");
      try {
        parseDomainPattern(node.value, { allowAll: shape.type === "domainOrAll" });
      } catch (error) {
        ctx.problems.push(`${ctx.at(node.offset)} ${path}: ${(error as Error).message}`);
      }
      return node.value;
    }
    case "path": {
      if (node.type === "string") {
        if (node.value === "") return fail("a non-empty path");
        return node.value;
      }
      if (node.type !== "object") return fail('a path string or { "path": ..., "literal": true }');
      const out: { path?: string; literal?: boolean } = {};
      for (const { key, keyOffset, value: valueNode } of node.properties) {
        if (key === "path") {
          out.path = validate(valueNode, { type: "string" }, `${path}.path`, ctx) as string;
        } else if (key === "literal") {
          out.literal = validate(valueNode, { type: "boolean" }, `${path}.literal`, ctx) as boolean;
        } else {
          ctx.warnings.push(
            `${ctx.at(keyOffset)} ${path}.${key}: unknown key, ignored${
              nearest(key, ["path", "literal"])
                ? ` (did you mean "${nearest(key, ["path", "literal"])}"?)`
                : ""
            }`,
          );
        }
      }
      if (typeof out.path !== "string" || out.path === "") {
        return fail('an object with a non-empty "path"');
      }
      return out;
    }
  }
}

/** The known key closest to `key` by edit distance, if close enough to be a likely typo. */
export function nearest(key: string, known: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}
