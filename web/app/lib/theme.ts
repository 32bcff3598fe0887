// The colour theme: "system" follows prefers-color-scheme; a stored choice overrides it.
export const THEMES = ["system", "light", "dark"] as const;
export type Theme = (typeof THEMES)[number];
export const THEME_COOKIE = "fg_theme";

export function themeFromCookie(header: string | null): Theme {
  const match = header?.match(/(?:^|;\s*)fg_theme=(system|light|dark)/);
  return (match?.[1] as Theme | undefined) ?? "system";
}

export const nextTheme = (theme: Theme): Theme => (theme === "system" ? "dark" : theme === "dark" ? "light" : "system");
