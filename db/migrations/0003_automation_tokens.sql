CREATE TABLE `automation_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`scopes` text NOT NULL,
	`token_hash` text NOT NULL,
	`token_prefix` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`revoked_at` integer,
	`last_used_at` integer,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `automation_tokens_user_id_unique` ON `automation_tokens` (`user_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `automation_tokens_token_hash_unique` ON `automation_tokens` (`token_hash`);--> statement-breakpoint
CREATE UNIQUE INDEX `automation_tokens_team_name_uq` ON `automation_tokens` (`team_id`,`name`);