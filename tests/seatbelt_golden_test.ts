/**
 * Golden Seatbelt profiles for representative policies. They were read and
 * checked by hand once; any change to the generator shows up here as a diff.
 * Regenerate with `SRT_UPDATE_GOLDEN=1 deno test -A tests/seatbelt_golden_test.ts`
 * and review the diff before committing.
 */

import { equal } from "node:assert/strict";
import { resolvePolicy } from "../src/policy.ts";
import type { Settings } from "../src/settings.ts";
import type { PermissionFlags } from "../src/flags.ts";
import { generateSeatbeltProfile } from "../src/macos/profile.ts";
import { SbplProfile } from "./sbpl_eval.ts";

const GOLDEN = new URL("./golden/", import.meta.url);

const CASES: Array<{ name: string; settings: Settings; flags?: Partial<PermissionFlags> }> = [
  { name: "defaults", settings: {} },
  {
    name: "developer",
    settings: {
      network: { allowedDomains: ["github.com", "*.npmjs.org"], allowLocalBinding: true },
      filesystem: {
        denyRead: ["~/.ssh", "~/.aws", "**/.env", {
          path: "/Users/alice/odd[1].txt",
          literal: true,
        }],
        allowRead: ["~/.ssh/known_hosts"],
        allowWrite: [".", "/tmp/build", "~/.cache/**"],
        denyWrite: ["package-lock.json"],
      },
    },
  },
  {
    name: "interactive-go",
    settings: {
      allowPty: true,
      enableWeakerNetworkIsolation: true,
      network: { allowedDomains: ["proxy.golang.org"] },
    },
  },
  {
    name: "unix-sockets",
    settings: { network: { allowUnixSockets: ["/var/run/docker.sock"] } },
    flags: { allowNet: ["api.example.com:443"] },
  },
];

for (const c of CASES) {
  Deno.test(`seatbelt golden: ${c.name}`, () => {
    const policy = resolvePolicy({
      settings: c.settings,
      flags: c.flags ?? {},
      cwd: "/Users/alice/proj",
      home: "/Users/alice",
    });
    const { profile, params } = generateSeatbeltProfile(policy, {
      proxyPorts: [49152, 49153],
      tmpDir: "/var/folders/xy/T/srt-501/run-1-abc/tmp",
      tag: "srt-golden",
    });
    const text = `${profile};; params\n${
      Object.entries(params).map(([k, v]) => `;; -D ${k}=${v}`).join("\n")
    }\n`;
    const file = new URL(`${c.name}.sb`, GOLDEN);
    if (Deno.env.get("SRT_UPDATE_GOLDEN") === "1") Deno.writeTextFileSync(file, text);
    equal(text, Deno.readTextFileSync(file));
    // And it parses in the evaluator's strict subset.
    new SbplProfile(profile, { ...params });
  });
}

Deno.test("seatbelt: long rule lists are split into rules of at most 200 filters", () => {
  const policy = resolvePolicy({
    settings: {
      filesystem: { denyRead: Array.from({ length: 450 }, (_, i) => `/Users/alice/secret-${i}`) },
    },
    cwd: "/Users/alice/proj",
    home: "/Users/alice",
  });
  const { profile, params } = generateSeatbeltProfile(policy, {
    proxyPorts: [],
    tmpDir: "/tmp/t",
    tag: "srt-x",
  });
  const denyRules = profile.split("\n(").filter((r) => r.startsWith("deny file-read*"));
  equal(denyRules.length, 3);
  for (const r of denyRules) equal((r.match(/\(subpath /g) ?? []).length <= 200, true);
  const sb = new SbplProfile(profile, { ...params });
  equal(sb.allows("file-read-data", "/Users/alice/secret-449"), false);
  equal(sb.allows("file-read-data", "/Users/alice/secret-450"), true);
});
