import type { Language } from "../i18n/i18n.js";

/** "2026-03-01 08:05" in the browser's time zone; "—" for nothing, the raw text if unparsable. */
export function formatDateTime(iso: string | null | undefined, language: Language): string {
  if (!iso) return "—";
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return dateTimeFormat(language).format(date);
}

// Building a formatter loads and resolves locale data; a live feed formats a date per card.
const dateTimeFormats = new Map<Language, Intl.DateTimeFormat>();

function dateTimeFormat(language: Language): Intl.DateTimeFormat {
  let format = dateTimeFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, {
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      hour12: false,
    });
    dateTimeFormats.set(language, format);
  }
  return format;
}

/** Whole minutes, hours or days between two instants, for "down for 3 h" style labels. */
export function durationParts(fromIso: string, now: Date): { unit: "m" | "h" | "d"; value: number } | null {
  const from = Date.parse(fromIso);
  if (Number.isNaN(from)) return null;
  const minutes = Math.max(0, Math.floor((now.getTime() - from) / 60_000));
  if (minutes < 60) return { unit: "m", value: minutes };
  if (minutes < 48 * 60) return { unit: "h", value: Math.floor(minutes / 60) };
  return { unit: "d", value: Math.floor(minutes / (24 * 60)) };
}

/** `<input type="datetime-local">` value (local time, no zone) → ISO 8601 with the offset, or null. */
export function localInputToIso(value: string): string | null {
  if (value.trim() === "") return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** An instant → the `datetime-local` input value in local time ("2026-03-01T08:05"). */
export function isoToLocalInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
