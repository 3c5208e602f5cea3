import {
  TICKET_STATES,
  type Ticket,
  type TicketAssignee,
  type TicketState,
  type TicketTransition,
  type TicketWithHistory,
} from "../../api/technician-api.js";
import { button, formActions, toolbar } from "../../ui/actions.js";
import { busyAction } from "../../ui/busy-action.js";
import { h } from "../../ui/dom.js";
import { field, form, formError, relabelSelect, select, textInput } from "../../ui/form.js";
import { formatDateTime } from "../../ui/format.js";
import { type Loadable, loader } from "../../ui/loadable.js";
import { renderTable } from "../../ui/table.js";
import type { TechContext, TechTranslate } from "./technician-context.js";

const OPEN_STATES: readonly TicketState[] = ["open", "assigned", "on_site", "fixed"];

/** The button label for moving a ticket from `from` to `to` (the lifecycle has two ways back). */
export function transitionLabelKey(
  from: TicketState,
  to: TicketState,
):
  | "tech.tickets.toAssigned"
  | "tech.tickets.toOpen"
  | "tech.tickets.toOnSite"
  | "tech.tickets.toFixed"
  | "tech.tickets.toVerified"
  | "tech.tickets.reassign"
  | "tech.tickets.reopen" {
  if (to === "assigned")
    return from === "assigned"
      ? "tech.tickets.reassign"
      : from === "fixed"
        ? "tech.tickets.reopen"
        : "tech.tickets.toAssigned";
  if (to === "open") return "tech.tickets.toOpen";
  if (to === "on_site") return "tech.tickets.toOnSite";
  if (to === "fixed") return "tech.tickets.toFixed";
  return "tech.tickets.toVerified";
}

export interface TicketsPanel {
  element: HTMLElement;
  render(): void;
  reload(): void;
}

/**
 * Repair tickets, all of the caller's cells or one camera's: the list with the next steps the
 * server allows, and (with tickets:edit, on a camera page) a form to open one.
 */
export function createTicketsPanel(ctx: TechContext, cameraId: string | null): TicketsPanel {
  const element = h("section", { className: "tickets-panel", attrs: { "data-testid": "tickets-panel" } });
  const stateFilter = select("ticketState", [], "");
  stateFilter.addEventListener("change", () => void load());
  const subject = textInput("ticketSubject");
  const description = h("textarea", {
    attrs: { name: "ticketDescription", rows: "2", "data-testid": "input-ticketDescription" },
  });
  let data: Loadable<Ticket[]> = { state: "loading" };
  let history: Loadable<TicketWithHistory> | null = null;
  let historyOf: number | null = null;
  /** The ticket being assigned to someone else, with who can take it. */
  let assigning: { ticket: Ticket; who: Loadable<TicketAssignee[]> } | null = null;
  const assigneeSelect = select("ticketAssignee", [], "");
  let error: string | null = null;
  const canEdit = ctx.can("tickets:edit");
  const me = typeof ctx.session.user.id === "number" ? ctx.session.user.id : Number(ctx.session.user.id);

  const load = loader(
    () => {
      const chosen = stateFilter.value;
      const states = chosen === "" ? OPEN_STATES : [chosen as TicketState];
      return ctx.api.tickets({ states, ...(cameraId ? { cameraId } : {}) });
    },
    (value) => {
      data = value;
      render();
    },
  );

  const showHistory = loader(
    async () => {
      if (historyOf === null) throw new Error("no ticket chosen");
      return ctx.api.ticket(historyOf);
    },
    (value) => {
      history = value;
      render();
    },
  );

  const ticketState = (state: string | null, t: TechTranslate) =>
    state !== null && (TICKET_STATES as readonly string[]).includes(state)
      ? t(`tech.ticketState.${state as TicketState}`)
      : t("tech.none");

  function renderHistory(ticket: TicketWithHistory, t: TechTranslate) {
    const language = ctx.language();
    return h(
      "div",
      { className: "card", attrs: { "data-testid": "ticket-history" } },
      h("h3", { text: t("tech.tickets.history", { id: ticket.id }) }),
      h(
        "ol",
        {},
        ...ticket.history.map((entry) =>
          h("li", {
            text: `${t("tech.tickets.historyLine", {
              time: formatDateTime(entry.at, language),
              actor: entry.actor,
              from: ticketState(entry.from_state, t),
              to: ticketState(entry.to_state, t),
            })}${entry.note ? ` — ${entry.note}` : ""}`,
          }),
        ),
      ),
    );
  }

  const action = busyAction({
    started: () => {
      error = null;
      render();
    },
    failed: (failure) => {
      error = ctx.describeError(failure);
    },
    finished: () => void load(),
  });

  const move = (ticket: Ticket, to: TicketState) => {
    const change: TicketTransition = { to, version: ticket.version };
    // Taking, reassigning or reopening a ticket assigns it to whoever pressed the button.
    if (to === "assigned" && Number.isInteger(me)) change.assignee_user_id = me;
    void action.run(() => ctx.api.transitionTicket(ticket.id, change));
  };

  const chooseAssignee = loader(
    async () => {
      if (!assigning) throw new Error("no ticket chosen");
      return ctx.api.ticketAssignees(assigning.ticket.id);
    },
    (value) => {
      if (!assigning) return;
      assigning = { ...assigning, who: value };
      if (value.state === "ready") {
        relabelSelect(
          assigneeSelect,
          value.data.map((a) => ({ value: String(a.userId), label: `${a.displayName} (${a.username})` })),
        );
        if (value.data.some((a) => a.userId === me)) assigneeSelect.value = String(me);
      }
      render();
    },
  );

  const startAssigning = (ticket: Ticket) => {
    assigning = { ticket, who: { state: "loading" } };
    render();
    void chooseAssignee();
  };

  const assignChosen = () => {
    const ticket = assigning?.ticket;
    const userId = Number(assigneeSelect.value);
    if (!ticket || !Number.isInteger(userId) || assigneeSelect.value === "") return;
    assigning = null;
    void action.run(() =>
      ctx.api.transitionTicket(ticket.id, {
        to: "assigned",
        version: ticket.version,
        assignee_user_id: userId,
      }),
    );
  };

  function renderAssigning(t: TechTranslate) {
    if (!assigning) return "";
    const { ticket, who } = assigning;
    return h(
      "div",
      { className: "card", attrs: { "data-testid": "ticket-assign" } },
      h("h3", { text: t("tech.tickets.assignTitle", { id: ticket.id }) }),
      ctx.renderLoadable(
        who,
        () => void chooseAssignee(),
        (people) =>
          people.length === 0
            ? h("p", { text: t("tech.tickets.noAssignees") })
            : formActions(
                field(t("tech.tickets.assignee"), assigneeSelect),
                button({
                  text: t("tech.tickets.assignConfirm"),
                  testId: "ticket-assign-confirm",
                  disabled: action.busy,
                  onClick: assignChosen,
                }),
              ),
      ),
      button({
        text: t("tech.tickets.assignCancel"),
        testId: "ticket-assign-cancel",
        onClick: () => {
          assigning = null;
          render();
        },
      }),
    );
  }

  const create = (event: SubmitEvent) => {
    event.preventDefault();
    if (!cameraId) return;
    if (subject.value.trim() === "") {
      error = ctx.t()("tech.tickets.needSubject");
      return render();
    }
    void action.run(async () => {
      await ctx.api.createTicket({
        camera_id: cameraId,
        title: subject.value.trim(),
        description: description.value,
      });
      subject.value = "";
      description.value = "";
    });
  };

  function renderActions(ticket: Ticket, t: TechTranslate) {
    if (!canEdit) return "";
    return formActions(
      ...ticket.allowed_transitions.map((to) =>
        button({
          text: t(transitionLabelKey(ticket.state, to)),
          testId: `ticket-${ticket.id}-${to}`,
          disabled: action.busy,
          onClick: () => move(ticket, to),
        }),
      ),
      ticket.allowed_transitions.includes("assigned")
        ? button({
            text: t("tech.tickets.assignOther"),
            testId: `ticket-${ticket.id}-assign-other`,
            disabled: action.busy,
            onClick: () => startAssigning(ticket),
          })
        : "",
    );
  }

  function renderList(tickets: Ticket[], t: TechTranslate) {
    const language = ctx.language();
    return renderTable<Ticket>(
      [
        {
          header: t("tech.tickets.id"),
          cell: (k) =>
            button({
              text: `#${k.id} ${t("tech.tickets.showHistory")}`,
              testId: `ticket-history-${k.id}`,
              onClick: () => {
                historyOf = k.id;
                void showHistory();
              },
            }),
        },
        {
          header: t("tech.tickets.camera"),
          cell: (k) =>
            h("a", {
              text: `${k.camera_name} (${k.camera_id})`,
              attrs: { href: `#/tech?camera=${encodeURIComponent(k.camera_id)}` },
            }),
        },
        { header: t("tech.tickets.state"), cell: (k) => t(`tech.ticketState.${k.state}`) },
        {
          header: t("tech.tickets.subject"),
          cell: (k) =>
            `${k.title} · ${t(k.source === "camera_offline" ? "tech.tickets.source.camera_offline" : "tech.tickets.source.manual")}`,
        },
        { header: t("tech.tickets.assignee"), cell: (k) => k.assignee ?? t("tech.none") },
        { header: t("tech.tickets.opened"), cell: (k) => formatDateTime(k.opened_at, language) },
        { header: t("tech.tickets.actions"), cell: (k) => renderActions(k, t) },
      ],
      tickets,
      { empty: t("tech.tickets.empty"), testId: "tickets-table", rowId: (k) => String(k.id) },
    );
  }

  function renderForm(t: TechTranslate) {
    if (!cameraId || !canEdit) return "";
    return form(
      { className: "filter-bar", testId: "ticket-form", novalidate: true, onSubmit: create },
      field(t("tech.tickets.subjectInput"), subject),
      field(t("tech.tickets.description"), description),
      button({
        text: t("tech.tickets.create"),
        testId: "ticket-create",
        submit: true,
        disabled: action.busy,
      }),
    );
  }

  function render() {
    const t = ctx.t();
    relabelSelect(stateFilter, [
      { value: "", label: t("tech.tickets.allStates") },
      ...TICKET_STATES.map((state) => ({ value: state, label: t(`tech.ticketState.${state}`) })),
    ]);
    element.replaceChildren(
      h("h3", { text: cameraId ? t("tech.tickets.title") : "" }),
      toolbar(field(t("tech.tickets.filterState"), stateFilter)),
      renderForm(t),
      formError(error),
      renderAssigning(t),
      ctx.renderLoadable(
        data,
        () => void load(),
        (tickets) => renderList(tickets, t),
      ),
      history
        ? ctx.renderLoadable(
            history,
            () => void showHistory(),
            (ticket) => renderHistory(ticket, t),
          )
        : "",
    );
  }

  void load();
  return { element, render, reload: () => void load() };
}
