import { isMessageKey } from "../../i18n/i18n.js";
import { fill, h } from "../../ui/dom.js";
import { field } from "../../ui/form.js";
import { formatDateTime } from "../../ui/format.js";
import { type Loadable, loader, renderLoadable } from "../../ui/loadable.js";
import { renderTable } from "../../ui/table.js";
import type { AssignableUser, CellSummary, People, Person } from "./cell-admin-schemas.js";
import {
  actionButton,
  type CellPanel,
  type CellsHost,
  type CellsTranslate,
  cellsErrorMessage,
  formatArea,
  loadableLabels,
  type StatusMessage,
  statusLine,
} from "./cells-host.js";
import { type Assignment, assignableUsers, parseUserId } from "./people-rules.js";
import { LEAF_LEVEL } from "./shape-rules.js";

interface PeopleData {
  summary: CellSummary;
  /** Grids only: leaders and workers belong to grids. */
  people: People | null;
  /** For editors of a grid: who the server would accept as leader and as worker. */
  candidates: Record<Assignment, AssignableUser[]> | null;
}

/**
 * The cell's overview (area, version, cameras, checkpoints) and, for a grid, its leader and
 * workers with their history: appoint a leader, add and remove workers.
 */
export function createPeoplePanel(host: CellsHost, code: string): CellPanel {
  const element = h("section", { className: "cell-panel", attrs: { "data-testid": "people-panel" } });
  const isGrid = host.cell(code)?.properties.level === LEAF_LEVEL;
  const canAppoint = host.canEdit && host.mayRestructure(code);
  const canManageWorkers = host.canEdit;
  const pickers: Record<Assignment, HTMLSelectElement> = {
    leader: h("select", { attrs: { "data-testid": "leader-pick" } }),
    worker: h("select", { attrs: { "data-testid": "worker-pick" } }),
  };
  let data: Loadable<PeopleData> = { state: "loading" };
  let message: StatusMessage | null = null;
  let busy = false;
  let destroyed = false;

  const load = loader(
    async (): Promise<PeopleData> => {
      const edits = isGrid && (canAppoint || canManageWorkers);
      const [summary, people, leaders, workers] = await Promise.all([
        host.api.summary(code),
        isGrid ? host.api.people(code) : Promise.resolve(null),
        edits && canAppoint ? host.api.assignable(code, "leader") : Promise.resolve([]),
        edits ? host.api.assignable(code, "worker") : Promise.resolve([]),
      ]);
      return { summary, people, candidates: edits ? { leader: leaders, worker: workers } : null };
    },
    (value) => {
      if (destroyed) return;
      data = value;
      render();
    },
  );

  async function change(run: () => Promise<People>, done: (t: CellsTranslate) => string) {
    if (data.state !== "ready") return;
    busy = true;
    message = null;
    render();
    try {
      const people = await run();
      if (data.state === "ready") data = { state: "ready", data: { ...data.data, people } };
      message = { text: done(host.t()), kind: "info" };
    } catch (error) {
      message = { text: cellsErrorMessage(error, host.t()), kind: "error" };
    }
    busy = false;
    if (!destroyed) render();
  }

  /** The user chosen in the picker, or null with a message. */
  function chosenUser(assignment: Assignment): number | null {
    const id = parseUserId(pickers[assignment].value);
    if (id === null) {
      message = { text: host.t()("cells.people.chooseUser"), kind: "error" };
      render();
    }
    return id;
  }

  function appoint() {
    const id = chosenUser("leader");
    if (id !== null)
      void change(
        () => host.api.setLeader(code, id),
        (t) => t("cells.people.leaderSet"),
      );
  }

  function addWorker() {
    const id = chosenUser("worker");
    if (id !== null)
      void change(
        () => host.api.addWorker(code, id),
        (t) => t("cells.people.workerAdded"),
      );
  }

  function removeWorker(worker: Person) {
    void change(
      () => host.api.removeWorker(code, worker.user_id),
      (t) => t("cells.people.workerRemoved", { name: worker.display_name }),
    );
  }

  const personLabel = (p: { display_name: string; username: string }) => `${p.display_name} (${p.username})`;

  function picker(assignment: Assignment, d: PeopleData, testId: string, label: string, onClick: () => void) {
    const t = host.t();
    const select = pickers[assignment];
    const chosen = select.value;
    const options = d.candidates && d.people ? assignableUsers(d.candidates[assignment], d.people) : [];
    select.replaceChildren(
      h("option", {
        text: t(options.length > 0 ? "cells.people.pick" : "cells.people.noneToPick"),
        attrs: { value: "" },
      }),
      ...options.map((u) =>
        h("option", { text: `${u.displayName} (${u.username})`, attrs: { value: String(u.userId) } }),
      ),
    );
    select.value = options.some((u) => String(u.userId) === chosen) ? chosen : "";
    return h(
      "div",
      { className: "people-pick" },
      field(t(assignment === "leader" ? "cells.people.newLeader" : "cells.people.newWorker"), select),
      actionButton(label, testId, onClick, { disabled: busy }),
    );
  }

  function renderPeople(d: PeopleData): Node {
    const t = host.t();
    const language = host.ctx.languages.language;
    const { summary, people } = d;
    const cameras = Object.entries(summary.cameras.by_status)
      .map(([status, n]) => {
        const key = `status.${status}`;
        return `${isMessageKey(key) ? t(key) : status} ${n}`;
      })
      .join(" · ");
    const overview = h(
      "dl",
      { className: "kv cell-summary", attrs: { "data-testid": "cell-summary" } },
      h("dt", { text: t("cells.summary.version") }),
      h("dd", { text: String(summary.cell.version) }),
      h("dt", { text: t("cells.summary.area") }),
      h("dd", { text: formatArea(summary.cell.area_m2, t, language) }),
      h("dt", { text: t("cells.summary.cameras") }),
      h("dd", { text: cameras ? `${summary.cameras.total} (${cameras})` : String(summary.cameras.total) }),
      h("dt", { text: t("cells.summary.checkpoints") }),
      h("dd", { text: String(summary.checkpoints.total) }),
      ...incidentRows(summary, t),
      ...(people ? reportRows(summary, t) : []),
    );
    if (!people)
      return h("div", {}, overview, h("p", { className: "muted", text: t("cells.people.gridsOnly") }));
    return h(
      "div",
      {},
      overview,
      h("h4", { text: t("cells.people.leader") }),
      h("p", {
        attrs: { "data-testid": "people-leader" },
        text: people.leader
          ? t("cells.people.since", {
              name: personLabel(people.leader),
              since: formatDateTime(people.leader.since, language),
            })
          : t("cells.people.noLeader"),
      }),
      canAppoint ? picker("leader", d, "leader-appoint", t("cells.people.appoint"), appoint) : null,
      h("h4", { text: t("cells.people.workers") }),
      renderTable(
        [
          { header: t("cells.people.person"), cell: (w: Person) => personLabel(w) },
          { header: t("cells.people.sinceHeader"), cell: (w: Person) => formatDateTime(w.since, language) },
          ...(canManageWorkers
            ? [
                {
                  header: "",
                  cell: (w: Person) =>
                    actionButton(
                      t("cells.people.remove"),
                      `worker-remove-${w.username}`,
                      () => removeWorker(w),
                      {
                        disabled: busy,
                      },
                    ),
                },
              ]
            : []),
        ],
        people.workers,
        { empty: t("cells.people.noWorkers"), testId: "people-workers", rowId: (w) => w.username },
      ),
      canManageWorkers ? picker("worker", d, "worker-add", t("cells.people.add"), addWorker) : null,
      h("h4", { text: t("cells.people.history") }),
      renderTable(
        [
          { header: t("cells.people.person"), cell: (r) => personLabel(r) },
          {
            header: t("cells.people.role"),
            cell: (r) => t(r.role === "leader" ? "cells.people.roleLeader" : "cells.people.roleWorker"),
          },
          {
            header: t("cells.people.period"),
            cell: (r) =>
              `${formatDateTime(r.valid_from, language)} – ${formatDateTime(r.valid_to, language)}`,
          },
        ],
        people.history,
        { empty: t("cells.people.noHistory"), testId: "people-history" },
      ),
    );
  }

  function render() {
    const t = host.t();
    fill(
      element,
      h("h3", { text: t("cells.people.title") }),
      statusLine(message, "people-message"),
      renderLoadable(data, loadableLabels(t), () => void load(), renderPeople),
    );
  }

  void load();
  render();
  return {
    element,
    render,
    destroy() {
      destroyed = true;
    },
  };
}

/** Open and overdue incidents below the cell, for those who may read incidents. */
function incidentRows(summary: CellSummary, t: CellsTranslate): Node[] {
  if (!summary.incidents) return [];
  return [
    h("dt", { text: t("cells.summary.incidents") }),
    h("dd", {
      text: t("cells.summary.incidentCounts", {
        open: summary.incidents.open,
        overdue: summary.incidents.overdue,
      }),
      attrs: { "data-testid": "cell-summary-incidents" },
    }),
  ];
}

/** A grid's latest daily report, for those who may read reports. */
function reportRows(summary: CellSummary, t: CellsTranslate): Node[] {
  if (!summary.daily_report) return [];
  const report = summary.daily_report.latest;
  const text = !report
    ? t("cells.summary.noReport")
    : `${
        report.nothingToReport
          ? t("cells.summary.reportNothing", { date: report.reportDate })
          : t("cells.summary.reportItems", { date: report.reportDate, items: report.items })
      }${report.late ? ` ${t("cells.summary.reportLate")}` : ""}`;
  return [
    h("dt", { text: t("cells.summary.dailyReport") }),
    h("dd", { text, attrs: { "data-testid": "cell-summary-report" } }),
  ];
}
