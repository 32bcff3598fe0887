ALTER TABLE `approval_policies` ADD `auto_approve_after_hours` integer;--> statement-breakpoint
ALTER TABLE `approval_policies` ADD `allow_admin_override` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `approval_policies` ADD `fallback_to_roles` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `approval_requests` ADD `auto_approve_at` integer;--> statement-breakpoint
ALTER TABLE `freeze_windows` ADD `timezone` text DEFAULT 'UTC' NOT NULL;--> statement-breakpoint
ALTER TABLE `freeze_windows` ADD `recurrence` text DEFAULT 'NONE' NOT NULL;