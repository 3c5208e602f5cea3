import { isApiError } from "../api/errors.js";
import {
  INCIDENT_ACTIONS,
  type Incident,
  type IncidentAction,
  NOTE_REQUIRED,
  type TimelineEvent,
} from "../api/incident-schemas.js";
import type { IncidentsApi } from "../api/incidents-api.js";
import type { Language } from "../i18n/i18n.js";
import { h } from "../ui/dom.js";
import { errorMessage } from "../ui/error-message.js";
import type { IncidentTranslate } from "./time-left.js";
import { timeLeftText } from "./time-left.js";

/** Actions that hand work back with photos of the result (the handler's feedback). */
const PHOTO_ACTIONS: ReadonlySet<IncidentAction> = new Set(["feed_back"]);

export interface IncidentDetailProps {
  api: IncidentsApi;
  id: number;
  t: () => IncidentTranslate;
  language: () => Language;
  /** After a successful action (or a reload), with the incident as the server now has it. */
  onChanged: (incident: Incident) => void;
}

type LoadState =
  | { kind: "loading" }
  | { kind: "failed"; error: unknown }
  | { kind: "ready"; incident: Incident; timeline: TimelineEvent[] };

const formatTime = (iso: string, language: Language) =>
  new Date(iso).toLocaleString(language, { dateStyle: "short", timeStyle: "short" });

/**
 * One incident: summary, time left, the actions the caller may take now (with a reason field
 * and photos where needed) and the timeline. Used by the command map and the grid-leader view.
 */
export class IncidentDetail {
  readonly element = h("section", {
    className: "incident-detail",
    attrs: { "data-testid": "incident-detail" },
  });
  #state: LoadState = { kind: "loading" };
  #message: string | null = null;
  #busy = false;
  #photos: File[] = [];
  #note = "";

  constructor(private readonly props: IncidentDetailProps) {
    this.render();
    void this.load();
  }

  get id(): number {
    return this.props.id;
  }

  get incident(): Incident | null {
    return this.#state.kind === "ready" ? this.#state.incident : null;
  }

  async load(): Promise<void> {
    try {
      const [incident, timeline] = await Promise.all([
        this.props.api.get(this.props.id),
        this.props.api.timeline(this.props.id),
      ]);
      this.#state = { kind: "ready", incident, timeline };
      this.props.onChanged(incident);
    } catch (error) {
      this.#state = { kind: "failed", error };
    }
    this.render();
  }

  render(): void {
    const t = this.props.t();
    const state = this.#state;
    if (state.kind === "loading") {
      this.element.replaceChildren(h("p", { className: "muted", text: t("incident.loading") }));
      return;
    }
    if (state.kind === "failed") {
      this.element.replaceChildren(
        h("p", {
          className: "error-text",
          text: `${t("incident.loadFailed")} ${errorMessage(state.error, t)}`,
        }),
        h("button", {
          text: t("map.retry"),
          attrs: { type: "button" },
          on: { click: () => void this.load() },
        }),
      );
      return;
    }
    this.element.replaceChildren(
      this.#summary(state.incident, t),
      this.#actions(state.incident, t),
      this.#timeline(state.incident, state.timeline, t),
    );
  }

  #summary(incident: Incident, t: IncidentTranslate): HTMLElement {
    const language = this.props.language();
    const row = (label: string, value: string, testId?: string) =>
      h(
        "div",
        { className: "detail-row" },
        h("dt", { text: label }),
        h("dd", { text: value, attrs: testId ? { "data-testid": testId } : {} }),
      );
    const due = incident.deadline?.dueAt ?? null;
    return h(
      "div",
      { className: "incident-summary" },
      h(
        "h2",
        { className: "incident-title" },
        h("span", { className: "incident-ref", text: incident.reference }),
        " ",
        incident.title,
      ),
      h("p", { className: "incident-description", text: incident.description }),
      h(
        "dl",
        {},
        row(t("incident.state"), t(`incident.state.${incident.state}`), "incident-state"),
        row(t("incident.priority"), t(priorityKey(incident.priority))),
        row(t("incident.category"), language === "en" ? incident.categoryNameEn : incident.categoryName),
        row(t("incident.cell"), incident.cellCode),
        row(t("incident.reportedAt"), formatTime(incident.reportedAt, language)),
        row(t("incident.due"), timeLeftText(due, Date.now(), t)),
      ),
    );
  }

  #actions(incident: Incident, t: IncidentTranslate): HTMLElement {
    const allowed = incident.allowedActions;
    const box = h("div", { className: "incident-actions", attrs: { "data-testid": "incident-actions" } });
    if (allowed.length === 0) {
      box.append(h("p", { className: "muted", text: t("incident.noActions") }));
      return box;
    }
    const note = h("textarea", {
      className: "incident-note",
      attrs: {
        rows: "2",
        placeholder: t("incident.note"),
        "aria-label": t("incident.note"),
        "data-testid": "incident-note",
      },
    });
    note.value = this.#note;
    note.addEventListener("input", () => {
      this.#note = note.value;
    });
    box.append(note);
    if (allowed.some((action) => PHOTO_ACTIONS.has(action))) box.append(this.#photoInput(t));
    box.append(
      h(
        "div",
        { className: "button-row" },
        ...allowed.map((action) =>
          h("button", {
            className:
              action === "void" || action === "return" || action === "reject" ? "secondary" : "primary",
            text: t(`incident.action.${action}`),
            attrs: {
              type: "button",
              "data-testid": `action-${action}`,
              ...(this.#busy ? { disabled: "" } : {}),
            },
            on: { click: () => void this.#act(incident, action) },
          }),
        ),
      ),
    );
    if (this.#message)
      box.append(h("p", { className: "error-text", attrs: { role: "alert" }, text: this.#message }));
    return box;
  }

  #photoInput(t: IncidentTranslate): HTMLElement {
    const input = h("input", {
      attrs: {
        type: "file",
        accept: "image/jpeg,image/png,image/webp",
        multiple: "",
        "data-testid": "photo-input",
      },
    });
    input.addEventListener("change", () => {
      this.#photos = [...(input.files ?? [])];
    });
    return h("label", { className: "photo-input" }, h("span", { text: t("incident.addPhotos") }), input);
  }

  async #act(incident: Incident, action: IncidentAction): Promise<void> {
    const t = this.props.t();
    const note = this.#note.trim();
    if (NOTE_REQUIRED.has(action) && note === "") {
      this.#message = t("incident.noteRequired");
      return this.render();
    }
    this.#busy = true;
    this.#message = null;
    this.render();
    try {
      const attachments =
        PHOTO_ACTIONS.has(action) && this.#photos.length > 0
          ? await this.props.api.uploadPhotos(this.#photos)
          : [];
      await this.props.api.transition(incident.id, {
        action,
        version: incident.version,
        ...(note ? { note } : {}),
        ...(attachments.length > 0 ? { attachments } : {}),
      });
      this.#note = "";
      this.#photos = [];
      this.#busy = false;
      await this.load();
    } catch (error) {
      this.#busy = false;
      if (isApiError(error) && error.code === "version_conflict") {
        this.#message = t("incident.versionConflict");
        await this.load();
        return;
      }
      this.#message = t("incident.actionFailed", { message: errorMessage(error, t) });
      this.render();
    }
  }

  #timeline(incident: Incident, events: readonly TimelineEvent[], t: IncidentTranslate): HTMLElement {
    const language = this.props.language();
    return h(
      "div",
      { className: "incident-timeline" },
      h("h3", { text: t("incident.timeline") }),
      events.length === 0
        ? h("p", { className: "muted", text: t("incident.timelineEmpty") })
        : h(
            "ol",
            { attrs: { "data-testid": "timeline" } },
            ...events.map((event) =>
              h(
                "li",
                {},
                h("time", { text: formatTime(event.occurredAt, language) }),
                " ",
                h("strong", {
                  text: event.action ? actionLabel(event.action, t) : eventLabel(event.kind, t),
                }),
                " ",
                h("span", { className: "muted", text: event.actor }),
                event.note ? h("div", { className: "timeline-note", text: event.note }) : null,
                event.attachments.length > 0
                  ? h(
                      "div",
                      { className: "timeline-photos" },
                      ...event.attachments.map((a) =>
                        h("img", {
                          attrs: {
                            src: this.props.api.attachmentUrl(incident.id, a.sha256),
                            alt: t("incident.photos"),
                            loading: "lazy",
                          },
                        }),
                      ),
                    )
                  : null,
              ),
            ),
          ),
    );
  }
}

function priorityKey(priority: string) {
  const known = ["low", "normal", "high", "urgent"] as const;
  const match = known.find((p) => p === priority) ?? "normal";
  return `incident.priority.${match}` as const;
}

const ACTIONS = new Set<string>(INCIDENT_ACTIONS);

const EVENT_KINDS = [
  "created",
  "callback",
  "overdue",
  "time_limit_warning",
  "merged_from",
  "merged_into",
] as const;

function eventLabel(kind: string, t: IncidentTranslate): string {
  const known = EVENT_KINDS.find((k) => k === kind);
  return known ? t(`incident.event.${known}`) : kind;
}

function actionLabel(action: string, t: IncidentTranslate): string {
  return ACTIONS.has(action) ? t(`incident.action.${action as IncidentAction}`) : action;
}

export { priorityKey };
