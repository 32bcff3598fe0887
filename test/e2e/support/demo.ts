// The fixed demo data every helper relies on (brief: "Demo data"), as the e2e tests address it.
export const DEV_SERVER_SECRET = "fg_local_development_demo_secret";
export const WEB_CLIENT_SECRET = "fg_local_web_demo_secret";

export const DEMO_FLAG_KEYS = [
  "BetaUsers",
  "checkout_button_text",
  "max_upload_mb",
  "homepage_layout",
  "new_checkout_flow",
  "dark_mode",
  "legacy_search",
] as const;

export const LAYOUT_CLASSIC = { hero: "banner", columns: 2 };
export const LAYOUT_MODERN = { hero: "video", columns: 3 };
export const CHECKOUT_TEXTS = { control: "Buy now", "variant-a": "Complete purchase" } as const;

export const bearer = (secret: string): [string, string] => ["Authorization", `Bearer ${secret}`];
