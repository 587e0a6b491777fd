/**
 * Events srt reports about a sandboxed command: network decisions of the
 * proxy and filesystem/other denials read back from the OS (macOS).
 * @module
 */

import type { ProxyEvent } from "./proxy/proxy.ts";

/** A denial reported by the operating system's sandbox (macOS Seatbelt). */
export interface ViolationEvent {
  /** Discriminant. */
  readonly kind: "violation";
  /** When it was seen. */
  readonly time: Date;
  /** The process that was denied. */
  readonly process: string;
  /** Its pid. */
  readonly pid: number;
  /** The Seatbelt operation, e.g. `file-write-create`. */
  readonly operation: string;
  /** The path (or other target) when the log names one. */
  readonly path?: string;
  /** The command srt ran. */
  readonly command: string;
}

/** Anything srt reports about a run. */
export type SandboxEvent = ProxyEvent | ViolationEvent;

/** One line for stderr. */
export function formatEvent(e: SandboxEvent): string {
  if (e.kind === "network") {
    return `srt: network ${
      e.allowed ? "allowed" : "DENIED"
    } ${e.protocol} ${e.host}:${e.port} (${e.reason})`;
  }
  return `srt: DENIED ${e.operation}${e.path ? ` ${e.path}` : ""} by ${e.process}(${e.pid})`;
}
