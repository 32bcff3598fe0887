CREATE TABLE `canary_gates` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`feature_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`metric_id` text NOT NULL,
	`baseline_variant` text NOT NULL,
	`canary_variant` text NOT NULL,
	`direction` text NOT NULL,
	`threshold_pct` real NOT NULL,
	`min_sample_size` integer NOT NULL,
	`window_minutes` integer NOT NULL,
	`auto_rollback_on_fail` integer DEFAULT false NOT NULL,
	`rollback_in_minutes` integer,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`feature_id`) REFERENCES `features`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`metric_id`) REFERENCES `metrics`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `canary_gates_stage_metric_uq` ON `canary_gates` (`feature_id`,`environment_id`,`metric_id`);--> statement-breakpoint
CREATE INDEX `canary_gates_enabled_idx` ON `canary_gates` (`enabled`);--> statement-breakpoint
CREATE TABLE `canary_results` (
	`id` text PRIMARY KEY NOT NULL,
	`gate_id` text NOT NULL,
	`analyzed_at` integer NOT NULL,
	`outcome` text NOT NULL,
	`reason` text NOT NULL,
	`baseline_sample_size` integer NOT NULL,
	`canary_sample_size` integer NOT NULL,
	`baseline_value` real,
	`canary_value` real,
	`regression_pct` real,
	`rollback_triggered` integer DEFAULT false NOT NULL,
	`rollback_error` text,
	`trigger` text NOT NULL,
	FOREIGN KEY (`gate_id`) REFERENCES `canary_gates`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `canary_results_gate_idx` ON `canary_results` (`gate_id`,`analyzed_at`);--> statement-breakpoint
CREATE INDEX `canary_results_time_idx` ON `canary_results` (`analyzed_at`);--> statement-breakpoint
CREATE TABLE `evaluation_rollups` (
	`environment_id` text NOT NULL,
	`minute` integer NOT NULL,
	`flag_key` text NOT NULL,
	`variant` text DEFAULT '' NOT NULL,
	`reason` text NOT NULL,
	`count` integer NOT NULL,
	PRIMARY KEY(`environment_id`, `minute`, `flag_key`, `variant`, `reason`),
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `evaluation_rollups_flag_idx` ON `evaluation_rollups` (`environment_id`,`flag_key`,`minute`);--> statement-breakpoint
CREATE INDEX `evaluation_rollups_minute_idx` ON `evaluation_rollups` (`minute`);--> statement-breakpoint
CREATE TABLE `metric_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`metric_id` text NOT NULL,
	`environment_id` text NOT NULL,
	`flag_key` text NOT NULL,
	`variant` text NOT NULL,
	`targeting_key` text NOT NULL,
	`value` real NOT NULL,
	`converted` integer,
	`occurred_at` integer NOT NULL,
	FOREIGN KEY (`metric_id`) REFERENCES `metrics`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `metric_events_conversion_uq` ON `metric_events` (`metric_id`,`flag_key`,`environment_id`,`targeting_key`,`variant`) WHERE converted IS NOT NULL;--> statement-breakpoint
CREATE INDEX `metric_events_experiment_idx` ON `metric_events` (`metric_id`,`environment_id`,`flag_key`,`occurred_at`);--> statement-breakpoint
CREATE TABLE `metrics` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`key` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`type` text NOT NULL,
	`unit` text,
	`success_criteria` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `metrics_team_key_uq` ON `metrics` (`team_id`,`key`);