import type { DeadLetter, DeadLetterPage } from "../../api/plates-api.js";
import { button, toolbar } from "../../ui/actions.js";
import { busyAction } from "../../ui/busy-action.js";
import { h } from "../../ui/dom.js";
import { field, formError, relabelSelect, select } from "../../ui/form.js";
import { formatDateTime } from "../../ui/format.js";
import { type Loadable, loader } from "../../ui/loadable.js";
import { renderTable } from "../../ui/table.js";
import type { PlatesContext, PlatesPanel, PlatesTranslate } from "./plates-context.js";

const STATUSES = ["new", "replayed", "discarded"] as const;

/** Pushes the ingest could not take (dead letters), for admins: why, from whom, and replay. */
export function createDeadLettersPanel(ctx: PlatesContext): PlatesPanel {
  const element = h("section", { attrs: { "data-testid": "deadletters-panel" } });
  // Options exist from the start, so the first load already reads "new" from the select.
  const status = select(
    "deadStatus",
    STATUSES.map((value) => ({ value, label: value })),
    "new",
  );
  status.addEventListener("change", () => void load());
  let data: Loadable<DeadLetterPage> = { state: "loading" };
  let outcome: { ok: boolean; text: string } | null = null;

  const load = loader(
    () => ctx.api.deadLetters(status.value, null, 100),
    (value) => {
      data = value;
      render();
    },
  );

  const action = busyAction({
    started: () => {
      outcome = null;
      render();
    },
    failed: (error) => {
      outcome = { ok: false, text: ctx.describeError(error) };
    },
    finished: () => void load(),
  });

  const replay = (letter: DeadLetter) =>
    action.run(async () => {
      const t = ctx.t();
      const result = await ctx.api.replayDeadLetter(letter.id);
      outcome = result.ok
        ? {
            ok: true,
            text: t("plates.dead.replayed", { stored: result.stored, duplicates: result.duplicates }),
          }
        : { ok: false, text: t("plates.dead.replayFailed", { message: result.error?.message ?? "" }) };
    });

  function renderList(page: DeadLetterPage, t: PlatesTranslate) {
    const language = ctx.language();
    return renderTable<DeadLetter>(
      [
        { header: t("plates.dead.received"), cell: (d) => formatDateTime(d.lastReceivedAt, language) },
        { header: t("plates.dead.format"), cell: (d) => d.format },
        {
          header: t("plates.dead.reason"),
          cell: (d) => `${d.reasonCode}: ${language === "en" ? d.message : d.messageZh}`,
          className: "details",
        },
        { header: t("plates.dead.device"), cell: (d) => d.deviceHint ?? t("plates.none") },
        { header: t("plates.dead.from"), cell: (d) => d.pushedBy },
        { header: t("plates.dead.count"), cell: (d) => String(d.occurrences) },
        { header: t("plates.dead.size"), cell: (d) => `${d.payloadSize} B` },
        {
          header: t("plates.dead.status"),
          cell: (d) =>
            (STATUSES as readonly string[]).includes(d.status)
              ? t(`plates.dead.status.${d.status as (typeof STATUSES)[number]}`)
              : d.status,
        },
        {
          header: "",
          cell: (d) => {
            if (d.status !== "new" || !ctx.can("deadletters:replay")) return "";
            if (d.payloadTruncated) return t("plates.dead.truncated");
            return button({
              text: t("plates.dead.replay"),
              testId: `dead-replay-${d.id}`,
              disabled: action.busy,
              onClick: () => void replay(d),
            });
          },
        },
      ],
      page.deadLetters,
      { empty: t("plates.dead.empty"), testId: "deadletters-table", rowId: (d) => String(d.id) },
    );
  }

  function render() {
    const t = ctx.t();
    relabelSelect(
      status,
      STATUSES.map((s) => ({ value: s, label: t(`plates.dead.status.${s}`) })),
    );
    element.replaceChildren(
      toolbar(field(t("plates.dead.status"), status)),
      outcome
        ? outcome.ok
          ? h("p", {
              className: "notice-inline",
              text: outcome.text,
              attrs: { role: "status", "data-testid": "dead-outcome" },
            })
          : formError(outcome.text)
        : "",
      ctx.renderLoadable(
        data,
        () => void load(),
        (page) => renderList(page, t),
      ),
    );
  }

  void load();
  return { element, render };
}
