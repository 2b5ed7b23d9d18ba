// Connector schedules are 5-field cron expressions in UTC, declared beside each connector. The
// local scheduler runs them with croner; SST's Cron needs them in AWS EventBridge syntax.
import { Cron } from "croner";

/** The next time a schedule fires after `from`, or null for an expression that never fires. */
export function nextRun(schedule: string, from = new Date()): Date | null {
  return new Cron(schedule, { timezone: "UTC", paused: true }).nextRun(from);
}

/** "0 3 * * 1" -> "cron(0 3 ? * 2 *)": EventBridge wants a year field, `?` in one of
 *  day-of-month / day-of-week, and numbers weekdays from 1 (Sunday). */
export function toAwsCron(schedule: string): `cron(${string})` {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 5) throw new Error(`schedule "${schedule}" must have 5 fields (minute hour day month weekday)`);
  nextRun(schedule); // throws on an invalid expression
  const [minute, hour, dom, month, dow] = fields;
  if (dow === "*") return `cron(${minute} ${hour} ${dom} ${month} ? *)`;
  if (dom !== "*") throw new Error(`schedule "${schedule}": AWS cron cannot restrict both day of month and weekday`);
  const awsDow = dow.replace(/\d/g, (d) => String((Number(d) % 7) + 1));
  return `cron(${minute} ${hour} ? ${month} ${awsDow} *)`;
}
