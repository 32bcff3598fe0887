CREATE TABLE `approval_policy_custom_roles` (
	`policy_id` text NOT NULL,
	`role_id` text NOT NULL,
	PRIMARY KEY(`policy_id`, `role_id`),
	FOREIGN KEY (`policy_id`) REFERENCES `approval_policies`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`role_id`) REFERENCES `custom_roles`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `approval_policy_custom_roles_role_idx` ON `approval_policy_custom_roles` (`role_id`);--> statement-breakpoint
CREATE TABLE `custom_role_members` (
	`role_id` text NOT NULL,
	`user_id` text NOT NULL,
	`assigned_by` text,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`role_id`, `user_id`),
	FOREIGN KEY (`role_id`) REFERENCES `custom_roles`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`assigned_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE INDEX `custom_role_members_user_idx` ON `custom_role_members` (`user_id`);--> statement-breakpoint
CREATE TABLE `custom_roles` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `custom_roles_team_name_uq` ON `custom_roles` (`team_id`,`name`);--> statement-breakpoint
CREATE TABLE `rollout_templates` (
	`id` text PRIMARY KEY NOT NULL,
	`team_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`type` text NOT NULL,
	`defaults` text DEFAULT '{}' NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`team_id`) REFERENCES `teams`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`created_by`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `rollout_templates_team_name_uq` ON `rollout_templates` (`team_id`,`name`);