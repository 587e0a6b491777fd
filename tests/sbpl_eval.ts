/**
 * A small evaluator for the subset of SBPL that srt emits, used by the tests
 * to answer "is operation X on target T allowed" with Seatbelt's precedence
 * (the last matching rule wins; `(deny default)` first). It refuses any
 * construct outside that subset, including regex syntax Seatbelt would not
 * accept, so a profile srt could not run on a Mac fails here too.
 */

type Sexp = string | { str: string } | Sexp[];

function tokenize(text: string): Sexp[] {
  let i = 0;
  const read = (): Sexp => {
    while (i < text.length) {
      const c = text[i];
      if (c === ";") {
        while (i < text.length && text[i] !== "\n") i++;
      } else if (/\s/.test(c)) i++;
      else break;
    }
    const c = text[i];
    if (c === "(") {
      i++;
      const list: Sexp[] = [];
      for (;;) {
        while (/\s/.test(text[i] ?? "") || text[i] === ";") {
          if (text[i] === ";") { while (i < text.length && text[i] !== "\n") i++; }
          else i++;
        }
        if (i >= text.length) throw new SyntaxError("unclosed (");
        if (text[i] === ")") {
          i++;
          return list;
        }
        list.push(read());
      }
    }
    if (c === '"') {
      i++;
      let s = "";
      while (text[i] !== '"') {
        if (i >= text.length) throw new SyntaxError("unclosed string");
        if (text[i] === "\\") {
          const e = text[i + 1];
          if (e === "x") {
            const end = text.indexOf(";", i);
            s += String.fromCharCode(parseInt(text.slice(i + 2, end), 16));
            i = end + 1;
            continue;
          }
          if (e !== "\\" && e !== '"') throw new SyntaxError(`unsupported escape \\${e}`);
          s += e;
          i += 2;
        } else s += text[i++];
      }
      i++;
      return { str: s };
    }
    const m = /^[^\s()";]+/.exec(text.slice(i));
    if (!m) throw new SyntaxError(`unexpected ${c} at ${i}`);
    i += m[0].length;
    return m[0];
  };
  const out: Sexp[] = [];
  for (;;) {
    while (i < text.length && (/\s/.test(text[i]) || text[i] === ";")) {
      if (text[i] === ";") { while (i < text.length && text[i] !== "\n") i++; }
      else i++;
    }
    if (i >= text.length) return out;
    out.push(read());
  }
}

/** Refuses regex syntax outside what Seatbelt's (POSIX extended) engine takes. */
export function assertSeatbeltRegex(source: string): void {
  const bad = (why: string) =>
    new SyntaxError(`regex uses syntax Seatbelt does not accept (${why}): ${source}`);
  if (!source.startsWith("^") || !source.endsWith("$")) throw bad("not anchored");
  let prevQuantifier = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      // Only punctuation may be escaped: no \d, \w, \b and the like.
      if (!/[.^$*+?()[\]{}|\\/"-]/.test(source[i + 1] ?? "")) {
        throw bad(`escape \\${source[i + 1]}`);
      }
      i++;
      prevQuantifier = false;
    } else if (c === "[") {
      let end = i + 1;
      if (source[end] === "^") end++;
      if (source[end] === "]") end++;
      for (; end < source.length && source[end] !== "]"; end++) if (source[end] === "\\") end++;
      if (end >= source.length) throw bad("unclosed bracket");
      i = end;
      prevQuantifier = false;
    } else if (c === "{" || c === "}") {
      throw bad("interval");
    } else if (c === "(" && source[i + 1] === "?") {
      throw bad("group extension");
    } else if (c === "*" || c === "+" || c === "?") {
      if (prevQuantifier) throw bad("lazy or stacked quantifier");
      prevQuantifier = true;
    } else {
      prevQuantifier = false;
    }
  }
}

interface Rule {
  action: "allow" | "deny";
  ops: string[];
  filters: Sexp[];
}

/** A parsed profile that answers queries. */
export class SbplProfile {
  readonly rules: Rule[] = [];
  #params: Record<string, string>;

  constructor(text: string, params: Record<string, string>) {
    this.#params = params;
    const forms = tokenize(text);
    const head = forms[0];
    if (!Array.isArray(head) || head[0] !== "version" || head[1] !== "1") {
      throw new SyntaxError("no (version 1)");
    }
    for (const form of forms.slice(1)) {
      if (!Array.isArray(form) || (form[0] !== "allow" && form[0] !== "deny")) {
        throw new SyntaxError(`unexpected form ${JSON.stringify(form)}`);
      }
      const ops: string[] = [];
      const filters: Sexp[] = [];
      for (const part of form.slice(1)) {
        if (typeof part === "string") ops.push(part);
        else if (Array.isArray(part) && part[0] === "with") continue;
        else if (Array.isArray(part)) {
          this.#check(part);
          filters.push(part);
        } else throw new SyntaxError("bare string in rule");
      }
      this.rules.push({ action: form[0], ops, filters });
    }
  }

  #value(x: Sexp): string {
    if (typeof x === "object" && !Array.isArray(x)) return x.str;
    if (Array.isArray(x) && x[0] === "param") {
      const name = this.#value(x[1]);
      if (!(name in this.#params)) throw new SyntaxError(`missing -D ${name}`);
      return this.#params[name];
    }
    throw new SyntaxError(`not a string: ${JSON.stringify(x)}`);
  }

  #check(filter: Sexp[]): void {
    const kind = filter[0];
    if (kind === "regex") assertSeatbeltRegex(this.#value(filter[1]));
    const known = [
      "literal",
      "subpath",
      "regex",
      "remote",
      "local",
      "global-name",
      "target",
      "iokit-registry-entry-class",
    ];
    if (typeof kind !== "string" || !known.includes(kind)) {
      throw new SyntaxError(`unknown filter ${kind}`);
    }
  }

  #matches(filter: Sexp, target: string): boolean {
    if (!Array.isArray(filter)) return false;
    const [kind, arg] = filter;
    switch (kind) {
      case "literal":
        return target === this.#value(arg);
      case "subpath": {
        const p = this.#value(arg);
        return target === p || target.startsWith(p === "/" ? "/" : p + "/");
      }
      case "regex":
        return new RegExp(this.#value(arg)).test(target);
      case "remote":
      case "local": {
        if (arg === "ip") {
          return target === `${kind}:ip:${this.#value(filter[2])}` ||
            this.#ipWildcard(kind, filter, target);
        }
        if (arg === "unix-socket") {
          if (filter.length === 2) return target.startsWith(`${kind}:unix:`);
          const inner = filter[2] as Sexp[];
          return inner[0] === "path-literal" && target === `${kind}:unix:${this.#value(inner[1])}`;
        }
        return false;
      }
      default:
        return false;
    }
  }

  #ipWildcard(kind: string, filter: Sexp[], target: string): boolean {
    const spec = this.#value(filter[2]);
    if (!spec.endsWith(":*")) return false;
    return target.startsWith(`${kind}:ip:${spec.slice(0, -1)}`);
  }

  /** Whether `op` on `target` (a path, or `remote:ip:localhost:PORT` etc.) is allowed. */
  allows(op: string, target: string): boolean {
    let decision: "allow" | "deny" | undefined;
    for (const rule of this.rules) {
      const opHit = rule.ops.some((o) =>
        o === "default" || o === op || (o.endsWith("*") && op.startsWith(o.slice(0, -1)))
      );
      if (!opHit) continue;
      if (rule.filters.length === 0 || rule.filters.some((f) => this.#matches(f, target))) {
        decision = rule.action;
      }
    }
    return decision === "allow";
  }
}
