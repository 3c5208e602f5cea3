import { type Language, type Translate, translatorFor } from "./i18n.js";

export const LANGUAGE_STORAGE_KEY = "gridops.language";

type Listener = (language: Language) => void;

/** Holds the current UI language, remembers an explicit switch and tells subscribers about it. */
export class LanguageStore {
  #language: Language;
  #listeners = new Set<Listener>();

  constructor(
    initial: Language,
    private readonly storage: Pick<Storage, "setItem"> | null,
  ) {
    this.#language = initial;
  }

  get language(): Language {
    return this.#language;
  }

  get t(): Translate {
    return translatorFor(this.#language);
  }

  set(language: Language): void {
    if (language === this.#language) return;
    this.#language = language;
    try {
      this.storage?.setItem(LANGUAGE_STORAGE_KEY, language);
    } catch {
      // Private browsing or a full quota: the switch still applies to this page.
    }
    for (const listener of this.#listeners) listener(language);
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
