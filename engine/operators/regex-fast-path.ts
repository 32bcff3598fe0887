// A fast path for `matches`: translate an RE2 pattern to an equivalent JavaScript RegExp when the
// pattern lies in a small subset whose backtracking cost is provably bounded, else return null and
// let RE2JS run it. The subset: literals, ., \d \D \w \W \s \S (+ \n \t \r \f), escaped
// punctuation, simple character classes, ^ and $, groups and alternation; quantifiers only on single
// characters; at most one repeating quantifier (*, +, {n,m} with m > 1) and at most 16 alternative
// paths through the groups and ?s. With the input length also capped by the caller, a backtracking
// engine then does at most O(paths * n^2) steps. Semantic differences between RE2 and JavaScript
// are translated away (RE2's `.` excludes only \n, its \s is [\t\n\f\r ]) or rejected.

const JS_SYNTAX = new Set(["^", "$", "\\", ".", "*", "+", "?", "(", ")", "[", "]", "{", "}", "|", "/"]);
const RE2_PUNCTUATION = new Set([...JS_SYNTAX, "-", "#", "&", "~", ",", ":", "=", "!", "<", ">", "@", "%", "'", '"', "`", " ", ";", "_"]);
const SIMPLE_ESCAPES: Record<string, string> = { n: "\\n", t: "\\t", r: "\\r", f: "\\f", d: "\\d", D: "\\D" };
const MAX_PATHS = 16;

/** A literal character in JavaScript /u syntax (where only syntax characters may be escaped). */
function escapeLiteral(ch: string, inClass = false): string {
  return JS_SYNTAX.has(ch) || (inClass && ch === "-") ? `\\${ch}` : ch;
}

/** Returns JavaScript RegExp source equivalent to the RE2 `pattern`, or null when outside the subset. */
export function translateToBoundedJs(pattern: string, caseInsensitive: boolean): string | null {
  const chars = Array.from(pattern); // code points
  let pos = 0;
  let out = "";
  let repeats = 0;
  // Alternative-path count: product over groups of their branch counts, times 2 per `?`.
  let paths = 1;
  const branchCounts: number[] = [1]; // one entry per open group (index 0 = top level)
  let lastWasAtom = false;

  const wordClassOk = !caseInsensitive; // \w under JS /iu also matches ſ and K (Kelvin); RE2 does not fold it

  while (pos < chars.length) {
    const ch = chars[pos++]!;
    if (ch === "\\") {
      const e = chars[pos++];
      if (e === undefined) return null;
      if (SIMPLE_ESCAPES[e] !== undefined) out += SIMPLE_ESCAPES[e];
      else if (e === "s") out += "[\\t\\n\\f\\r ]";
      else if (e === "S") out += "[^\\t\\n\\f\\r ]";
      else if ((e === "w" || e === "W") && wordClassOk) out += `\\${e}`;
      else if (RE2_PUNCTUATION.has(e)) out += escapeLiteral(e);
      else return null;
      lastWasAtom = true;
    } else if (ch === ".") {
      out += "[^\\n]";
      lastWasAtom = true;
    } else if (ch === "^" || ch === "$") {
      out += ch;
      lastWasAtom = false;
    } else if (ch === "[") {
      let cls = "[";
      if (chars[pos] === "^") {
        cls += "^";
        pos++;
      }
      if (chars[pos] === "]") return null; // RE2 reads a leading ] as a literal; JavaScript as an empty class
      let closed = false;
      while (pos < chars.length) {
        const c = chars[pos++]!;
        if (c === "]") {
          closed = true;
          break;
        }
        if (c === "[") return null; // POSIX classes [:alpha:] and nested classes
        if (c === "\\") {
          const e = chars[pos++];
          if (e === undefined) return null;
          if (SIMPLE_ESCAPES[e] !== undefined) cls += SIMPLE_ESCAPES[e];
          else if (e === "s") cls += "\\t\\n\\f\\r ";
          else if ((e === "w" || e === "W") && wordClassOk) cls += `\\${e}`;
          else if (RE2_PUNCTUATION.has(e)) cls += escapeLiteral(e, true);
          else return null;
          continue;
        }
        cls += c; // ranges, a literal ^ or - behave alike in both syntaxes; anything odd fails `new RegExp`
      }
      if (!closed) return null;
      out += `${cls}]`;
      lastWasAtom = true;
    } else if (ch === "(") {
      if (chars[pos] === "?") {
        if (chars[pos + 1] !== ":") return null; // flags and named groups: leave to RE2
        pos += 2;
        out += "(?:";
      } else out += "(";
      branchCounts.push(1);
      lastWasAtom = false;
    } else if (ch === "|") {
      branchCounts[branchCounts.length - 1]!++;
      out += "|";
      lastWasAtom = false;
    } else if (ch === ")") {
      if (branchCounts.length === 1) return null;
      paths *= branchCounts.pop()!;
      out += ")";
      lastWasAtom = false; // quantifiers on groups are outside the subset
    } else if (ch === "*" || ch === "+" || ch === "?" || ch === "{") {
      if (!lastWasAtom) return null;
      let max = Infinity;
      if (ch === "{") {
        let spec = "";
        while (pos < chars.length && chars[pos] !== "}") spec += chars[pos++];
        if (chars[pos++] !== "}") return null;
        const m = /^(\d{1,4})(,(\d{0,4}))?$/.exec(spec);
        if (m === null) return null;
        const min = Number(m[1]);
        max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
        if (max < min) return null;
        out += `{${spec}}`;
      } else {
        out += ch;
        if (ch === "?") max = 1;
      }
      if (chars[pos] === "?") {
        out += "?"; // lazy: same match/no-match answer
        pos++;
      }
      if (max <= 1) paths *= 2;
      else repeats++;
      if (repeats > 1) return null;
      lastWasAtom = false;
    } else {
      out += escapeLiteral(ch);
      lastWasAtom = true;
    }
    if (paths * branchCounts.reduce((a, b) => a * b, 1) > MAX_PATHS) return null;
  }
  if (branchCounts.length !== 1) return null;
  return out;
}
