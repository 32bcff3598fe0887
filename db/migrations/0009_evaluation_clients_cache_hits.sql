CREATE TABLE `rollup_batches` (
	`id` text PRIMARY KEY NOT NULL,
	`applied_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `rollup_batches_applied_idx` ON `rollup_batches` (`applied_at`);--> statement-breakpoint
PRAGMA defer_foreign_keys = on;--> statement-breakpoint
CREATE TABLE `__new_evaluation_rollups` (
	`environment_id` text NOT NULL,
	`minute` integer NOT NULL,
	`flag_key` text NOT NULL,
	`variant` text DEFAULT '' NOT NULL,
	`reason` text NOT NULL,
	`client_id` text DEFAULT '' NOT NULL,
	`count` integer NOT NULL,
	`cache_hits` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`environment_id`, `minute`, `flag_key`, `variant`, `reason`, `client_id`),
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
INSERT INTO `__new_evaluation_rollups`("environment_id", "minute", "flag_key", "variant", "reason", "client_id", "count", "cache_hits") SELECT "environment_id", "minute", "flag_key", "variant", "reason", '', "count", 0 FROM `evaluation_rollups`;--> statement-breakpoint
DROP TABLE `evaluation_rollups`;--> statement-breakpoint
ALTER TABLE `__new_evaluation_rollups` RENAME TO `evaluation_rollups`;--> statement-breakpoint
PRAGMA defer_foreign_keys = off;--> statement-breakpoint
CREATE INDEX `evaluation_rollups_flag_idx` ON `evaluation_rollups` (`environment_id`,`flag_key`,`minute`);--> statement-breakpoint
CREATE INDEX `evaluation_rollups_minute_idx` ON `evaluation_rollups` (`minute`);