import type { Language, MessageParams } from "./i18n.js";

/**
 * Per-view message catalogues. Each view folder may keep its own `<view>.messages.ts` built with
 * `defineMessages`, so engineers working on different views never edit the same catalogue file.
 * The type of the zh-CN half is derived from the en half: a missing or extra key is a compile
 * error. Registration at import time makes the keys resolvable through the shared `translate`.
 */
export type ViewCatalogs<K extends string> = { readonly en: Readonly<Record<K, string>> } & {
  readonly "zh-CN": Readonly<Record<K, string>>;
};

export interface ViewMessages<K extends string> {
  readonly name: string;
  readonly catalogs: ViewCatalogs<K>;
  readonly keys: readonly K[];
}

/** A key collides with the shared catalogue or another view's catalogue. */
export class MessageKeyCollision extends Error {
  readonly code = "message_key_collision";
  constructor(
    readonly key: string,
    readonly owners: readonly string[],
  ) {
    super(`Message key "${key}" is defined by both ${owners.join(" and ")}.`);
    this.name = "MessageKeyCollision";
  }
}

const registered = new Map<string, { owner: string; texts: Record<Language, string> }>();
const registeredNames = new Set<string>();
let coreKeys: (key: string) => boolean = () => false;

/** Called once by i18n.ts so collisions with the shared catalogue are caught too. */
export function setCoreKeyCheck(isCoreKey: (key: string) => boolean): void {
  coreKeys = isCoreKey;
}

/**
 * Declares and registers one view's messages. `name` is the view folder (used in collision
 * errors); keys should start with it ("command.", "leader.") so collisions stay unlikely.
 */
export function defineMessages<const E extends Record<string, string>>(
  name: string,
  catalogs: { en: E; "zh-CN": NoInfer<{ [K in keyof E]: string }> },
): ViewMessages<Extract<keyof E, string>> {
  type K = Extract<keyof E, string>;
  const keys = Object.keys(catalogs.en) as K[];
  if (!registeredNames.has(name)) {
    for (const key of keys) {
      const other = registered.get(key)?.owner ?? (coreKeys(key) ? "the shared catalogue" : null);
      if (other) throw new MessageKeyCollision(key, [other, name]);
    }
    for (const key of keys) {
      const texts = { en: catalogs.en[key] as string, "zh-CN": catalogs["zh-CN"][key] as string };
      registered.set(key, { owner: name, texts });
    }
    registeredNames.add(name);
  }
  return { name, catalogs: catalogs as unknown as ViewCatalogs<K>, keys };
}

/** The registered text for a view key, or undefined if no view registered it. */
export function registeredText(language: Language, key: string): string | undefined {
  return registered.get(key)?.texts[language];
}

export function fillPlaceholders(text: string, params: MessageParams): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}
