/** Every user-facing string ships in both interface languages. */
export interface LocalizedText {
  en: string;
  "zh-CN": string;
}
