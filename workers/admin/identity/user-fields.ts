// Input rules for user fields, shared by bootstrap, user creation and updates.
import { z } from "zod";

export const usernameSchema = z.string().trim().toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, "must be 2-64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit");
export const emailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email("must be an email address"));
export const displayNameSchema = z.string().trim().max(200, "must be at most 200 characters");
