// First-run bootstrap: while no system admin exists, the first one may be created: in development by
// anyone, elsewhere only with the deployment's one-time setup secret (setup-secret.ts). The insert
// itself is conditional (INSERT ... SELECT ... WHERE NOT EXISTS a system admin), so two concurrent
// bootstraps cannot both succeed: the loser's statement inserts nothing and gets FORBIDDEN. The
// audit row is inserted in the same batch, conditional on the new user existing.
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { auditLog, users } from "../../../db/schema";
import { isUniqueViolation } from "../core/constraints";
import type { ControlDeps } from "../core/deps";
import { conflict, forbidden } from "../core/errors";
import { hashPassword, newPasswordSchema } from "./passwords";
import { displayNameSchema, emailSchema, usernameSchema } from "./user-fields";
import { auditUser } from "./user-rows";
import { assertSetupSecret } from "./setup-secret";
import { parseInput } from "../core/validation";

export async function needsBootstrap(deps: ControlDeps): Promise<boolean> {
  const [row] = await deps.db.select({ id: users.id }).from(users).where(eq(users.isSystemAdmin, true)).limit(1);
  return !row;
}

const bootstrapInput = z.object({
  username: usernameSchema,
  email: emailSchema,
  displayName: displayNameSchema.default(""),
  password: newPasswordSchema,
  /** FLUXGATE_SETUP_SECRET; required outside development. */
  setupSecret: z.string().max(1024).nullish(),
});

export type BootstrapInput = z.input<typeof bootstrapInput>;

const closed = () => forbidden("An administrator already exists; bootstrap is closed");

/** Creates the first system admin; FORBIDDEN once one exists. Returns the new user's id. */
export async function bootstrapAdmin(deps: ControlDeps, raw: BootstrapInput): Promise<string> {
  const input = parseInput(bootstrapInput, raw);
  if (!(await needsBootstrap(deps))) throw closed();
  await assertSetupSecret(deps, input.setupSecret);
  const id = crypto.randomUUID();
  const now = deps.now().getTime();
  const passwordHash = await hashPassword(input.password);
  const diff = JSON.stringify({
    before: null,
    after: auditUser({ id, username: input.username, email: input.email, displayName: input.displayName, isSystemAdmin: true, enabled: true, mustChangePassword: false }),
  });
  let inserted: number;
  try {
    // Column order of the tables as declared in db/schema.ts (drizzle names every column, in schema
    // order, and inserts the SELECT's values positionally): a new column must be added here too.
    const [created] = await deps.db.batch([
      deps.db.insert(users).select(sql`
        SELECT ${id}, ${input.username}, ${input.email}, ${input.displayName}, NULL, ${passwordHash}, 0, 1, 1, 0, NULL, NULL, ${now}, ${now}
        WHERE NOT EXISTS (SELECT 1 FROM users WHERE is_system_admin = 1)`).returning({ id: users.id }),
      deps.db.insert(auditLog).select(sql`
        SELECT ${crypto.randomUUID()}, NULL, ${id}, ${input.username}, 'user.bootstrap_admin', 'user', ${id}, ${diff}, NULL, ${now}
        WHERE EXISTS (SELECT 1 FROM users WHERE id = ${id})`),
    ]);
    inserted = created.length;
  } catch (error) {
    if (isUniqueViolation(error, "users")) {
      throw conflict("A user with this username or email already exists");
    }
    throw error;
  }
  if (inserted !== 1) throw closed();
  return id;
}
