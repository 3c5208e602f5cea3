import { en, type MessageKey } from "./messages.en.js";
import { zhCN } from "./messages.zh-CN.js";
import { fillPlaceholders, registeredText, setCoreKeyCheck, type ViewMessages } from "./view-messages.js";

export type { MessageKey };
export type Language = "zh-CN" | "en";
export const LANGUAGES: readonly Language[] = ["zh-CN", "en"];
export type MessageParams = Readonly<Record<string, string | number>>;
/** Translates a shared key, or (with `K`) a shared key or one of a view's registered keys. */
export type Translate<K extends string = MessageKey> = (key: K, params?: MessageParams) => string;

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

setCoreKeyCheck(isMessageKey);

/** Looks a key up in the shared catalogue, then in the views' registered catalogues. */
function textOf(language: Language, key: string): string {
  if (isMessageKey(key)) return catalogs[language][key];
  // An unregistered key shows itself, which a reviewer notices, rather than an empty label.
  return registeredText(language, key) ?? key;
}

export function translate(language: Language, key: MessageKey, params: MessageParams = {}): string {
  return fillPlaceholders(textOf(language, key), params);
}

export function translatorFor(language: Language): Translate {
  return (key, params) => fillPlaceholders(textOf(language, key), params ?? {});
}

/**
 * Widens a translator to a view's own keys. The runtime lookup already covers every registered
 * key; this only tells the compiler which extra keys `messages` brought.
 */
export function viewTranslator<K extends string>(
  _messages: ViewMessages<K>,
  t: Translate,
): Translate<MessageKey | K> {
  return t as Translate<MessageKey | K>;
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
