import { deepStrictEqual, equal, throws } from "node:assert/strict";
import { loadSettings, nearest, parseSettings } from "./settings.ts";
import { SrtError } from "./errors.ts";

const F = "~/.srt-settings.json";

function fails(text: string, message: string) {
  throws(() => parseSettings(text, F), (e: unknown) => {
    equal(e instanceof SrtError, true);
    equal((e as SrtError).exitCode, 125);
    equal(
      (e as Error).message.includes(message),
      true,
      `expected "${message}" in:\n${(e as Error).message}`,
    );
    return true;
  });
}

Deno.test("settings: the original's keys load, with comments and trailing commas", () => {
  const { settings, warnings } = parseSettings(
    `{
  // network
  "network": {
    "allowedDomains": ["github.com", "*.npmjs.org",],
    "deniedDomains": ["evil.com"],
    "allowUnixSockets": ["/var/run/docker.sock"],
    "allowAllUnixSockets": false,
    "allowLocalBinding": true,
    "httpProxyPort": 8080,
    "socksProxyPort": 1081,
  },
  /* files */
  "filesystem": {
    "denyRead": ["~/.ssh", { "path": "/a[1].txt", "literal": true }],
    "allowRead": [],
    "allowWrite": ["."],
    "denyWrite": ["**/.env"],
  },
  "ignoreViolations": { "*": ["/usr/bin"] },
  "enableWeakerNestedSandbox": false,
  "mandatoryDenySearchDepth": 5,
}`,
    F,
  );
  deepStrictEqual(warnings, []);
  deepStrictEqual(settings.network?.allowedDomains, ["github.com", "*.npmjs.org"]);
  deepStrictEqual(settings.filesystem?.denyRead, ["~/.ssh", { path: "/a[1].txt", literal: true }]);
  equal(settings.mandatoryDenySearchDepth, 5);
  deepStrictEqual(settings.ignoreViolations, { "*": ["/usr/bin"] });
});

Deno.test("settings: each bad file gets an exact message with file:line:column and key path", () => {
  fails(
    `{\n  "network": {\n    "allowedDomains": ["ok.com",\n      "https://x.com"]\n  }\n}`,
    `${F}:4:7 network.allowedDomains[1]: "https://x.com" is not a domain pattern (drop the scheme)`,
  );
  fails(
    `{"network": {"allowedDomains": "github.com"}}`,
    `${F}:1:32 network.allowedDomains: expected an array, found the string "github.com"`,
  );
  fails(
    `{"network": {"allowedDomains": ["*.com"]}}`,
    `network.allowedDomains[0]: "*.com" is too broad`,
  );
  fails(
    `{"network": {"httpProxyPort": 70000}}`,
    `${F}:1:31 network.httpProxyPort: expected a whole number from 1 to 65535, found the number 70000`,
  );
  fails(
    `{"network": {"allowLocalBinding": "yes"}}`,
    `network.allowLocalBinding: expected true or false, found the string "yes"`,
  );
  fails(`{"filesystem": {"denyRead": [""]}}`, `filesystem.denyRead[0]: expected a non-empty path`);
  fails(
    `{"filesystem": {"denyRead": [42]}}`,
    `filesystem.denyRead[0]: expected a path string or { "path": ..., "literal": true }, found the number 42`,
  );
  fails(
    `{"filesystem": {"allowWrite": [{"literal": true}]}}`,
    `filesystem.allowWrite[0]: expected an object with a non-empty "path"`,
  );
  fails(
    `{"mandatoryDenySearchDepth": 0}`,
    `mandatoryDenySearchDepth: expected a whole number from 1 to 10, found the number 0`,
  );
  fails(`{"mandatoryDenySearchDepth": 2.5}`, `expected a whole number from 1 to 10`);
  fails(`[]`, `${F}:1:1 (top level): expected an object, found an array`);
  fails(`null`, `(top level): expected an object, found null`);
  fails(`{"network": null}`, `network: expected an object, found null`);
  fails(
    `{"ignoreViolations": {"*": "x"}}`,
    `ignoreViolations["*"]: expected an array, found the string "x"`,
  );
  fails(`{"network": {"deniedDomains": ["::1"]}}`, `write IPv6 addresses in brackets`);
});

Deno.test("settings: syntax errors point at the spot", () => {
  fails(
    `{\n  "network": {\n    "allowedDomains": ["a.com" "b.com"]\n  }\n}`,
    `${F}:3:32: invalid JSONC: expected "," or "]", found """`,
  );
  fails(`{"a": 1`, `${F}:1:8: invalid JSONC: expected "," or "}", found end of file`);
  fails(`{'a': 1}`, `${F}:1:2: invalid JSONC: expected a property name in double quotes`);
  fails(`{"a": tru}`, `invalid JSONC: expected a value`);
  fails(`{} {}`, `${F}:1:4: invalid JSONC: unexpected "{" after the end of the value`);
  fails(`/* open`, `unclosed block comment`);
  fails(`   \n  `, `Settings file "${F}" is empty`);
});

Deno.test("settings: unknown keys warn with the nearest known key", () => {
  const { warnings } = parseSettings(
    `{"network": {"allowedDomain": [], "mitmProxy": {}}, "filesytem": {}}`,
    F,
  );
  deepStrictEqual(warnings, [
    `${F}:1:14 network.allowedDomain: unknown key, ignored (did you mean "allowedDomains"?)`,
    `${F}:1:35 network.mitmProxy: unknown key, ignored`,
    `${F}:1:53 filesytem: unknown key, ignored (did you mean "filesystem"?)`,
  ]);
  equal(nearest("denyread", ["denyRead", "allowRead"]), "denyRead");
});

Deno.test("settings: fail closed on a named file that is missing, unreadable or a directory", () => {
  const dir = Deno.makeTempDirSync();
  try {
    throws(() => loadSettings(`${dir}/nope.json`, { explicit: true }), /does not exist/);
    throws(() => loadSettings(dir, { explicit: true }), /is a directory|cannot be read/);
    Deno.writeTextFileSync(`${dir}/empty.json`, "");
    throws(() => loadSettings(`${dir}/empty.json`, { explicit: false }), /is empty/);
    deepStrictEqual(loadSettings(`${dir}/absent.json`, { explicit: false }), {
      settings: {},
      path: null,
      warnings: [],
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
