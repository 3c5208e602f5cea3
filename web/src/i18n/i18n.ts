import { en, type MessageKey } from "./messages.en.js";
import { zhCN } from "./messages.zh-CN.js";

export type { MessageKey };
export type Language = "zh-CN" | "en";
export const LANGUAGES: readonly Language[] = ["zh-CN", "en"];
export type MessageParams = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, params?: MessageParams) => string;

const catalogs: Record<Language, Record<MessageKey, string>> = { "zh-CN": zhCN, en };

export function messagesFor(language: Language): Readonly<Record<MessageKey, string>> {
  return catalogs[language];
}

export function isLanguage(value: unknown): value is Language {
  return value === "zh-CN" || value === "en";
}

export function isMessageKey(value: string): value is MessageKey {
  return Object.hasOwn(en, value);
}

/** Names of the `{placeholders}` in a message, sorted, so both languages can be compared. */
export function placeholdersOf(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "").sort();
}

export function translate(language: Language, key: MessageKey, params: MessageParams = {}): string {
  return catalogs[language][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

export function translatorFor(language: Language): Translate {
  return (key, params) => translate(language, key, params);
}

/** Maps a BCP 47 tag from the browser ("zh", "zh-Hans-CN", "en-GB") to a UI language, if we have one. */
export function languageFromTag(tag: string): Language | null {
  const lower = tag.toLowerCase();
  if (lower === "zh" || lower.startsWith("zh-")) {
    // Traditional-script tags still get zh-CN: it is the only Chinese catalogue and closer than English.
    return "zh-CN";
  }
  if (lower === "en" || lower.startsWith("en-")) return "en";
  return null;
}

/**
 * The language to start in: the user's explicit choice first, then the browser's preference list,
 * then the server's configured default.
 */
export function resolveLanguage(
  stored: string | null,
  browserTags: readonly string[],
  serverDefault: Language,
): Language {
  if (isLanguage(stored)) return stored;
  for (const tag of browserTags) {
    const language = languageFromTag(tag);
    if (language) return language;
  }
  return serverDefault;
}
