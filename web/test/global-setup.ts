// Before the console tests: regenerate the schema SDL and the typed documents, then type-check the
// console, so an API schema change that breaks a console document or its use fails `npm test`.
import { execFileSync } from "node:child_process";
import path from "node:path";

export default function setup() {
  const web = path.resolve(import.meta.dirname, "..");
  execFileSync("npm", ["run", "typecheck", "--silent"], { cwd: web, stdio: "inherit" });
}
