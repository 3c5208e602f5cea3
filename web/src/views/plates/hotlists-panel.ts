import {
  type Hotlist,
  type HotlistEntry,
  MATCH_LEVELS,
  type MatchLevel,
  type NewHotlistEntry,
  PLATE_COLOURS,
  PRIORITIES,
  type Priority,
  type ReasonCode,
} from "../../api/plates-api.js";
import { button, formActions } from "../../ui/actions.js";
import { h } from "../../ui/dom.js";
import {
  type Choice,
  checkboxLabel,
  field,
  form,
  formError,
  relabelSelect,
  select,
  textInput,
} from "../../ui/form.js";
import { formatDateTime, isoToLocalInput, localInputToIso } from "../../ui/format.js";
import { type Loadable, loader } from "../../ui/loadable.js";
import { renderTable } from "../../ui/table.js";
import { colourLabel, matchLabel, priorityLabel, reasonLabel } from "./plate-labels.js";
import type { PlatesContext, PlatesPanel, PlatesTranslate } from "./plates-context.js";

const DEFAULT_EXPIRY_DAYS = 30;

export type EntryState = "live" | "expired" | "removed";

export function entryState(entry: HotlistEntry, now: Date): EntryState {
  if (entry.removedAt) return "removed";
  return Date.parse(entry.expiresAt) <= now.getTime() ? "expired" : "live";
}

type EntryFormError =
  | "plates.hotlists.needPlate"
  | "plates.hotlists.needReason"
  | "plates.hotlists.needCase"
  | "plates.hotlists.needExpiry";

/** The entry to add, or the first missing field: reason, case and a future expiry are required. */
export function entryRequest(
  values: {
    plate: string;
    colour: string;
    matchLevel: string;
    reasonCode: string;
    caseReference: string;
    priority: string;
    expires: string | null;
    note: string;
  },
  now: Date,
): NewHotlistEntry | EntryFormError {
  const plate = values.plate.trim();
  if (plate.length < 2) return "plates.hotlists.needPlate";
  if (values.reasonCode === "") return "plates.hotlists.needReason";
  const caseReference = values.caseReference.trim();
  if (caseReference === "") return "plates.hotlists.needCase";
  if (!values.expires || Date.parse(values.expires) <= now.getTime()) return "plates.hotlists.needExpiry";
  return {
    plate,
    plateColour: values.colour === "" ? null : values.colour,
    matchLevel: (MATCH_LEVELS as readonly string[]).includes(values.matchLevel)
      ? (values.matchLevel as MatchLevel)
      : "exact",
    reasonCode: values.reasonCode,
    caseReference,
    priority: (PRIORITIES as readonly string[]).includes(values.priority)
      ? (values.priority as Priority)
      : "normal",
    expiresAt: values.expires,
    note: values.note.trim() === "" ? null : values.note.trim(),
  };
}

const priorityChoices = (t: PlatesTranslate): Choice[] =>
  PRIORITIES.map((p) => ({ value: p, label: priorityLabel(p, t) }));
const matchChoices = (t: PlatesTranslate): Choice[] =>
  MATCH_LEVELS.map((m) => ({ value: m, label: matchLabel(m, t) }));

/** Hotlists (布控名单): lists, their entries, adding (with reason, case, expiry, priority, fuzzy level) and removing. */
export function createHotlistsPanel(ctx: PlatesContext): PlatesPanel {
  const element = h("section", { attrs: { "data-testid": "hotlists-panel" } });
  const canManage = ctx.can("hotlists:manage");
  const listName = textInput("hotlistName");
  const listDescription = textInput("hotlistDescription");
  const entry = {
    plate: textInput("entryPlate", { autocomplete: "off" }),
    colour: select("entryColour", []),
    matchLevel: select("entryMatchLevel", []),
    reasonCode: select("entryReason", []),
    caseReference: textInput("entryCase", { autocomplete: "off" }),
    priority: select("entryPriority", []),
    expires: textInput("entryExpires", {
      type: "datetime-local",
      value: isoToLocalInput(new Date(Date.now() + DEFAULT_EXPIRY_DAYS * 86_400_000)),
    }),
    note: textInput("entryNote"),
  };
  const showInactive = h("input", { attrs: { type: "checkbox", "data-testid": "entries-inactive" } });
  showInactive.addEventListener("change", () => void loadEntries());
  let lists: Loadable<{ hotlists: Hotlist[]; reasonCodes: ReasonCode[] }> = { state: "loading" };
  let selected: number | null = null;
  let entries: Loadable<HotlistEntry[]> | null = null;
  let problem: string | null = null;
  let editing: HotlistEntry | null = null;
  const edit = {
    priority: select("editPriority", []),
    matchLevel: select("editMatchLevel", []),
    expires: textInput("editExpires", { type: "datetime-local" }),
  };

  const loadLists = loader(
    () => ctx.api.hotlists(),
    (value) => {
      lists = value;
      if (value.state === "ready" && selected === null && value.data.hotlists[0]) {
        selected = value.data.hotlists[0].id;
        void loadEntries();
      }
      render();
    },
  );
  const loadEntries = loader(
    () => (selected === null ? Promise.resolve([]) : ctx.api.entries(selected, showInactive.checked)),
    (value) => {
      entries = value;
      renderEntriesSlot();
    },
  );
  // Entries load on their own; redrawing only their slot keeps the forms above from being
  // replaced under the user's pointer while a list loads.
  const entriesSlot = h("div", {});
  function renderEntriesSlot() {
    const reasonCodes = lists.state === "ready" ? lists.data.reasonCodes : [];
    entriesSlot.replaceChildren(
      renderEditCard(ctx.t()),
      entries
        ? ctx.renderLoadable(
            entries,
            () => void loadEntries(),
            (list) => renderEntries(list, reasonCodes, ctx.t()),
          )
        : "",
    );
  }

  async function run(action: () => Promise<unknown>, after: () => void) {
    problem = null;
    try {
      await action();
      after();
    } catch (error) {
      problem = ctx.describeError(error);
      render();
    }
  }

  const createList = (event: SubmitEvent) => {
    event.preventDefault();
    const name = listName.value.trim();
    if (name === "") {
      problem = ctx.t()("plates.hotlists.needListName");
      return render();
    }
    void run(
      () => ctx.api.createHotlist(name, listDescription.value.trim() || null),
      () => {
        listName.value = "";
        listDescription.value = "";
        void loadLists();
      },
    );
  };

  const addEntry = (event: SubmitEvent) => {
    event.preventDefault();
    if (selected === null) return;
    const hotlistId = selected;
    const request = entryRequest(
      {
        plate: entry.plate.value,
        colour: entry.colour.value,
        matchLevel: entry.matchLevel.value,
        reasonCode: entry.reasonCode.value,
        caseReference: entry.caseReference.value,
        priority: entry.priority.value,
        expires: localInputToIso(entry.expires.value),
        note: entry.note.value,
      },
      new Date(),
    );
    if (typeof request === "string") {
      problem = ctx.t()(request);
      return render();
    }
    void run(
      () => ctx.api.addEntry(hotlistId, request),
      () => {
        entry.plate.value = "";
        entry.note.value = "";
        void loadEntries();
        void loadLists();
      },
    );
  };

  const openEdit = (e: HotlistEntry) => {
    editing = e;
    const t = ctx.t();
    relabelSelect(edit.priority, priorityChoices(t));
    relabelSelect(edit.matchLevel, matchChoices(t));
    edit.priority.value = e.priority;
    edit.matchLevel.value = e.matchLevel;
    edit.expires.value = isoToLocalInput(new Date(e.expiresAt));
    renderEntriesSlot();
  };

  const saveEdit = (event: SubmitEvent) => {
    event.preventDefault();
    const e = editing;
    if (!e) return;
    const expiresAt = localInputToIso(edit.expires.value);
    if (!expiresAt || Date.parse(expiresAt) <= Date.now()) {
      problem = ctx.t()("plates.hotlists.needExpiry");
      return render();
    }
    void run(
      () =>
        ctx.api.updateEntry(e.hotlistId, e.id, {
          priority: edit.priority.value as Priority,
          matchLevel: edit.matchLevel.value as MatchLevel,
          expiresAt,
        }),
      () => {
        editing = null;
        void loadEntries();
      },
    );
  };

  function renderEditCard(t: PlatesTranslate) {
    if (!editing) return "";
    relabelSelect(edit.priority, priorityChoices(t));
    relabelSelect(edit.matchLevel, matchChoices(t));
    return form(
      { className: "admin-form", testId: "entry-edit", novalidate: true, onSubmit: saveEdit },
      h("h3", { text: t("plates.hotlists.changeTitle", { plate: editing.plate }) }),
      h(
        "div",
        { className: "filter-bar" },
        field(t("plates.hotlists.priority"), edit.priority),
        field(t("plates.hotlists.matchLevel"), edit.matchLevel),
        field(t("plates.hotlists.expires"), edit.expires),
      ),
      formActions(
        button({ text: t("plates.hotlists.saveChange"), testId: "entry-edit-save", submit: true }),
        button({
          text: t("plates.hotlists.cancel"),
          onClick: () => {
            editing = null;
            renderEntriesSlot();
          },
        }),
      ),
    );
  }

  const removeEntry = (e: HotlistEntry) => {
    if (!window.confirm(ctx.t()("plates.hotlists.confirmRemove", { plate: e.plate }))) return;
    void run(
      () => ctx.api.removeEntry(e.hotlistId, e.id),
      () => {
        void loadEntries();
        void loadLists();
      },
    );
  };

  function renderLists(hotlists: Hotlist[], t: PlatesTranslate) {
    return h(
      "div",
      { className: "count-chips", attrs: { "data-testid": "hotlists" } },
      hotlists.length === 0 ? h("span", { className: "table-empty", text: t("plates.hotlists.empty") }) : "",
      ...hotlists.map((list) =>
        button({
          className: list.id === selected ? "count-chip active" : "count-chip",
          text: `${list.name} · ${t("plates.hotlists.entries", { count: list.live_entries })}`,
          testId: `hotlist-${list.id}`,
          attrs: { title: list.description ?? "" },
          onClick: () => {
            selected = list.id;
            void loadEntries();
          },
        }),
      ),
    );
  }

  function renderListForm(t: PlatesTranslate) {
    if (!canManage) return "";
    return form(
      { className: "filter-bar", testId: "hotlist-form", novalidate: true, onSubmit: createList },
      field(t("plates.hotlists.listName"), listName),
      field(t("plates.hotlists.listDescription"), listDescription),
      button({ text: t("plates.hotlists.createList"), testId: "hotlist-create", submit: true }),
    );
  }

  function renderEntryForm(reasons: ReasonCode[], t: PlatesTranslate) {
    if (!canManage || selected === null) return "";
    const language = ctx.language();
    relabelSelect(entry.colour, [
      { value: "", label: t("plates.hotlists.anyColour") },
      ...PLATE_COLOURS.map((c) => ({ value: c, label: colourLabel(c, t) })),
    ]);
    relabelSelect(entry.matchLevel, matchChoices(t));
    relabelSelect(entry.reasonCode, [
      { value: "", label: t("plates.hotlists.chooseReason") },
      ...reasons.map((r) => ({ value: r.code, label: reasonLabel(r.code, reasons, language) })),
    ]);
    relabelSelect(entry.priority, priorityChoices(t));
    if (entry.priority.value === "") entry.priority.value = "normal";
    if (entry.matchLevel.value === "") entry.matchLevel.value = "exact";
    return form(
      { className: "admin-form", testId: "entry-form", novalidate: true, onSubmit: addEntry },
      h("h3", { text: t("plates.hotlists.addEntry") }),
      h(
        "div",
        { className: "filter-bar" },
        field(t("plates.hotlists.plate"), entry.plate),
        field(t("plates.hotlists.colour"), entry.colour),
        field(t("plates.hotlists.matchLevel"), entry.matchLevel),
        field(t("plates.hotlists.reason"), entry.reasonCode),
        field(t("plates.hotlists.case"), entry.caseReference),
        field(t("plates.hotlists.priority"), entry.priority),
        field(t("plates.hotlists.expires"), entry.expires),
        field(t("plates.hotlists.note"), entry.note),
      ),
      formActions(button({ text: t("plates.hotlists.save"), testId: "entry-save", submit: true })),
    );
  }

  function renderEntries(list: HotlistEntry[], reasons: ReasonCode[], t: PlatesTranslate) {
    const language = ctx.language();
    const now = new Date();
    return renderTable<HotlistEntry>(
      [
        { header: t("plates.hotlists.plate"), cell: (e) => e.plate },
        { header: t("plates.hotlists.colour"), cell: (e) => colourLabel(e.plateColour, t) },
        { header: t("plates.hotlists.matchLevel"), cell: (e) => matchLabel(e.matchLevel, t) },
        { header: t("plates.hotlists.reason"), cell: (e) => reasonLabel(e.reasonCode, reasons, language) },
        { header: t("plates.hotlists.case"), cell: (e) => e.caseReference },
        { header: t("plates.hotlists.priority"), cell: (e) => priorityLabel(e.priority, t) },
        { header: t("plates.hotlists.expires"), cell: (e) => formatDateTime(e.expiresAt, language) },
        { header: t("plates.hotlists.createdBy"), cell: (e) => e.createdBy },
        { header: t("plates.hotlists.state"), cell: (e) => t(`plates.hotlists.${entryState(e, now)}`) },
        {
          header: "",
          cell: (e) =>
            canManage && entryState(e, now) !== "removed"
              ? formActions(
                  button({
                    text: t("plates.hotlists.change"),
                    testId: `entry-change-${e.id}`,
                    onClick: () => openEdit(e),
                  }),
                  button({
                    className: "danger",
                    text: t("plates.hotlists.remove"),
                    testId: `entry-remove-${e.id}`,
                    onClick: () => removeEntry(e),
                  }),
                )
              : "",
        },
      ],
      list,
      {
        empty: t("plates.hotlists.noEntries"),
        testId: "entries-table",
        rowId: (e) => String(e.id),
        rowClass: (e) => (entryState(e, now) === "live" ? "" : "row-muted"),
      },
    );
  }

  function render() {
    const t = ctx.t();
    renderEntriesSlot();
    element.replaceChildren(
      ctx.renderLoadable(
        lists,
        () => void loadLists(),
        ({ hotlists, reasonCodes }) =>
          h(
            "div",
            {},
            renderLists(hotlists, t),
            renderListForm(t),
            formError(problem),
            renderEntryForm(reasonCodes, t),
            selected === null ? "" : checkboxLabel(showInactive, t("plates.hotlists.showInactive")),
            entriesSlot,
          ),
      ),
    );
  }

  void loadLists();
  return { element, render };
}
