ALTER TABLE `features` ADD `purpose` text;--> statement-breakpoint
ALTER TABLE `features` ADD `reference_url` text;--> statement-breakpoint
ALTER TABLE `features` ADD `expires_at` integer;--> statement-breakpoint
ALTER TABLE `features` ADD `cleanup_reason` text;--> statement-breakpoint
ALTER TABLE `scheduled_changes` ADD `timezone` text;