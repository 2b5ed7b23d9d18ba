// The local scheduler of `ogs start`: the same schedules that SST turns into Crons, run in-process
// with croner. A connector never runs twice at once here (croner's `protect`), nor across
// processes (runConnector's advisory lock).
import { Cron } from "croner";
import type { Config } from "../../core/config.ts";
import type { Database } from "../../db/client.ts";
import type { Connector } from "../types.ts";
import { type RunSummary, runConnector } from "./run.ts";

export interface Scheduler {
  jobs: { connector: string; next: Date | null }[];
  stop(): void;
}

export function startScheduler(
  db: Database,
  config: Config,
  list: Connector[],
  onRun: (s: RunSummary) => void = () => {},
): Scheduler {
  const crons = list.map(
    (c) =>
      new Cron(c.schedule, { timezone: "UTC", protect: true, name: c.id }, async () => {
        onRun(await runConnector(db, c, { config, upstream: true, trigger: "schedule" }));
      }),
  );
  return {
    get jobs() {
      return crons.map((cron) => ({ connector: cron.name ?? "", next: cron.nextRun() }));
    },
    stop: () => {
      for (const cron of crons) cron.stop();
    },
  };
}
