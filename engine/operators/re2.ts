// The regex engine every host uses: RE2JS, a linear-time port of RE2 (no backtracking, so no
// pattern can hang an isolate). Kept in its own module so that importing it is the only way
// RE2JS enters a bundle (engine/index.ts statically, engine/regex-demand.ts through import()).
import { RE2JS } from "re2js";
import type { RegexEngine } from "./regex.ts";

export const re2Engine: RegexEngine = {
  compile(source, caseInsensitive) {
    try {
      return RE2JS.compile(source, caseInsensitive ? RE2JS.CASE_INSENSITIVE : 0);
    } catch {
      return null; // RE2 syntax errors, backreferences, lookarounds
    }
  },
};
