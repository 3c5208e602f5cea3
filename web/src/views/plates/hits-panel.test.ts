// @vitest-environment happy-dom
import { describe, expect, it, vi } from "vitest";
import type { Hit, PlatesApi } from "../../api/plates-api.js";
import type { Language } from "../../i18n/i18n.js";
import { LanguageStore } from "../../i18n/language-store.js";
import type { RealtimeEvent, RealtimeStore } from "../../realtime/realtime-store.js";
import { byTestId, el, fire } from "../../ui/dom.test-support.js";
import { formatDateTime } from "../../ui/format.js";
import { testHit } from "./hits.test-support.js";
import { createHitsPanel } from "./hits-panel.js";
import { platesContext } from "./plates-context.js";

const hit = testHit;

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

async function openPanel(language: Language, stored: Hit[]) {
  const reviewHit = vi.fn(async (id: number, decision: "confirm" | "dismiss", note: string | null) =>
    hit(id, { status: decision === "confirm" ? "confirmed" : "dismissed", reviewNote: note }),
  );
  const fetchHit = vi.fn(async (id: number) => hit(id));
  // Only the calls the hits panel makes; the rest of PlatesApi is not reached here.
  const api = {
    hits: async () => ({ hits: stored, nextBeforeId: null }),
    hit: fetchHit,
    reviewHit,
  } as unknown as PlatesApi;
  const session = {
    user: { id: 1, username: "analyst1", displayName: "Analyst" },
    roles: [],
    permissions: ["hits:read", "hits:review"],
    cells: [],
  };
  const ctx = platesContext({
    api,
    session,
    languages: new LanguageStore(language, null),
    onUnauthenticated: () => {},
  });
  let push: ((hitId: number, carried?: Hit) => void) | null = null;
  const subscribe = (_topic: "hotlist.hit", listener: (event: RealtimeEvent<"hotlist.hit">) => void) => {
    // The panel reads the hit id and the carried hit of a live event.
    push = (hitId, carried) =>
      listener({ payload: { hitId, hit: carried } } as unknown as RealtimeEvent<"hotlist.hit">);
    return () => {};
  };
  const realtime = { subscribe } as Pick<RealtimeStore, "subscribe">;
  const panel = createHitsPanel(ctx, realtime);
  document.body.replaceChildren(panel.element);
  await settle();
  return { panel, reviewHit, fetchHit, push: (hitId: number, carried?: Hit) => push?.(hitId, carried) };
}

const feed = (root: HTMLElement) => el(byTestId(root, "hits-feed"));

describe("hits panel", () => {
  it("puts no text field in the feed until the analyst focuses a card's note", async () => {
    const { panel } = await openPanel("en", [hit(2), hit(1)]);
    expect(feed(panel.element).querySelectorAll("article")).toHaveLength(2);
    expect(feed(panel.element).querySelectorAll("input")).toHaveLength(0);
    const standIn = el(byTestId(panel.element, "hit-note-2"));
    expect(standIn.tagName).toBe("BUTTON");
    expect(standIn.textContent).toBe("Note (optional)");

    standIn.dispatchEvent(new Event("focus"));
    const input = el(byTestId(panel.element, "hit-note-2"));
    expect(input.tagName).toBe("INPUT");
    expect((input as HTMLInputElement).placeholder).toBe("Note (optional)");
    expect(document.activeElement).toBe(input);
    expect(feed(panel.element).querySelectorAll("input")).toHaveLength(1);
  });

  it("sends the note typed after a click on the stand-in with the review", async () => {
    const { panel, reviewHit } = await openPanel("zh-CN", [hit(2), hit(1)]);
    const standIn = el(byTestId(panel.element, "hit-note-1"));
    expect(standIn.textContent).toBe("备注（可选）");
    fire(standIn, "click");
    const input = byTestId(panel.element, "hit-note-1") as HTMLInputElement;
    input.value = "  seen on camera ";
    fire(byTestId(panel.element, "hit-confirm-1"), "click");
    fire(byTestId(panel.element, "hit-dismiss-2"), "click");
    await settle();
    expect(reviewHit.mock.calls).toEqual([[1, "confirm", "seen on camera"]]);
    await settle();
    fire(byTestId(panel.element, "hit-dismiss-2"), "click");
    await settle();
    expect(reviewHit.mock.calls[1]).toEqual([2, "dismiss", null]);
  });

  it("keeps an opened note field and its text when a live hit redraws the feed", async () => {
    const { panel, push } = await openPanel("en", [hit(2), hit(1)]);
    fire(byTestId(panel.element, "hit-note-1"), "click");
    (byTestId(panel.element, "hit-note-1") as HTMLInputElement).value = "kept";
    push(3);
    await settle();
    const plates = [...feed(panel.element).querySelectorAll("article strong")].map((s) => s.textContent);
    expect(plates).toEqual(["浙A00003", "浙A00002", "浙A00001"]);
    panel.render();
    expect((byTestId(panel.element, "hit-note-1") as HTMLInputElement).value).toBe("kept");
    expect(el(byTestId(panel.element, "hit-note-3")).tagName).toBe("BUTTON");
  });
});

describe("hits panel, live", () => {
  it("shows a hit the event carries without asking for it, and asks when the event has only its id", async () => {
    const { panel, push, fetchHit } = await openPanel("en", [hit(1)]);
    push(2, hit(2, { plate: "浙B22222", caseReference: "C-2" }));
    await settle();
    expect(fetchHit).not.toHaveBeenCalled();
    const card = el(byTestId(panel.element, "hit-2"));
    expect(card.querySelector("strong")?.textContent).toBe("浙B22222");
    expect(card.textContent).toContain("C-2");

    push(3);
    await settle();
    expect(fetchHit.mock.calls).toEqual([[3]]);
    const plates = [...feed(panel.element).querySelectorAll("article strong")].map((s) => s.textContent);
    expect(plates).toEqual(["浙A00003", "浙B22222", "浙A00001"]);
  });
});

describe("formatDateTime", () => {
  it("formats per language with the formatter it keeps, whichever language came first", () => {
    const at = "2026-03-01T08:05:00Z";
    const fresh = (language: Language) =>
      new Intl.DateTimeFormat(language, {
        year: "numeric",
        month: "2-digit",
        day: "2-digit",
        hour: "2-digit",
        minute: "2-digit",
        hour12: false,
      }).format(new Date(at));
    expect(formatDateTime(at, "zh-CN")).toBe(fresh("zh-CN"));
    expect(formatDateTime(at, "en")).toBe(fresh("en"));
    expect(formatDateTime(at, "zh-CN")).toBe(fresh("zh-CN"));
    expect(fresh("en")).not.toBe(fresh("zh-CN"));
    expect(formatDateTime("2026-03-02T09:06:00Z", "en")).not.toBe(formatDateTime(at, "en"));
    expect(formatDateTime(null, "en")).toBe("—");
    expect(formatDateTime("not a date", "en")).toBe("not a date");
  });
});
