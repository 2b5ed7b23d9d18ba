// Shared pieces: tables whose numbers open their provenance, the provenance dialog, messages.
import type { ReleaseInfo, SourceInfo, Status } from "./api.ts";
import { h, replace } from "./dom.ts";
import { formatDate, formatValue } from "./format.ts";

/** Where one number comes from. */
export interface Provenance {
  what: string;
  value: number | null;
  unit: string;
  status?: Status | null;
  source?: SourceInfo | { id: string };
  release?: ReleaseInfo | null;
  notes?: string[];
}

export interface Column<T> {
  label: string;
  /** text of the cell; a number is formatted */
  value: (row: T) => string | number | null;
  /** a number cell with a provenance opens it on click */
  provenance?: (row: T) => Provenance | null;
  numeric?: boolean;
}

export function table<T>(columns: Column<T>[], rows: T[], caption?: string): HTMLTableElement {
  return h(
    "table",
    {},
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, ...columns.map((c) => h("th", { class: c.numeric ? "num" : undefined }, c.label)))),
    h(
      "tbody",
      {},
      ...rows.map((row) =>
        h(
          "tr",
          {},
          ...columns.map((c) => {
            const v = c.value(row);
            const text = typeof v === "number" ? formatValue(v) : (v ?? "–");
            const p = c.provenance?.(row);
            const content = p
              ? h(
                  "button",
                  { class: "value", title: "Where does this number come from?", onclick: () => showProvenance(p) },
                  text,
                )
              : text;
            return h("td", { class: c.numeric ? "num" : undefined }, content);
          }),
        ),
      ),
    ),
  );
}

export function statusBadge(status: Status | null | undefined): HTMLElement {
  return h("span", { class: `status status-${(status ?? "none").toLowerCase()}` }, status ?? "no data");
}

let dialog: HTMLDialogElement | null = null;

export function showProvenance(p: Provenance): void {
  if (!dialog) {
    dialog = h("dialog", { id: "provenance", "aria-label": "Provenance" });
    document.body.append(dialog);
  }
  const s = p.source;
  const full = s && "name" in s ? s : null;
  const r = p.release;
  const rows: [string, string | Node][] = [
    ["Value", `${formatValue(p.value)} ${p.unit}`],
    ["Status", statusBadge(p.status)],
    ["Source", full ? `${full.name} (${full.id}), ${full.publisher}` : (s?.id ?? "–")],
  ];
  if (full) {
    rows.push(["Licence", full.licence], ["Citation", full.citation]);
    rows.push(["Publisher page", h("a", { href: full.url, target: "_blank", rel: "noopener" }, full.url)]);
  }
  if (r) {
    rows.push(
      ["Release", `${r.version} (id ${r.id}), retrieved ${formatDate(r.retrievedAt)}`],
      ["Raw file", `${r.rawUri} (sha256 ${r.rawHash.slice(0, 12)}…)`],
      ["Run", r.run ? `#${r.run.id}, ${r.run.status}, ended ${formatDate(r.run.endedAt)}` : "–"],
    );
  }
  for (const note of p.notes ?? []) rows.push(["Note", note]);
  replace(
    dialog,
    h("h3", {}, p.what),
    h("dl", {}, ...rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)])),
    h("form", { method: "dialog" }, h("button", { class: "close" }, "Close")),
  );
  dialog.showModal();
}

export function message(text: string, kind: "info" | "error" = "info"): HTMLElement {
  return h("p", { class: `message message-${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}
