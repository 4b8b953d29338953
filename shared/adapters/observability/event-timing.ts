import { AsyncLocalStorage } from 'node:async_hooks';

/** What is timed while one event is processed. */
interface EventTimes {
  writeBackMs?: number;
  paceMs?: number;
}

const current = new AsyncLocalStorage<EventTimes>();

/**
 * Runs the processing of one event and returns, beside its result, the time its helpdesk writes
 * took and the time they waited for the tenant's write pace: the writes report to whichever event
 * they run for, so events processed side by side each get their own.
 *
 * @example const { result, writeBackMs, paceMs } = await timeEvent(() => processEvent(event, deps))
 */
export async function timeEvent<T>(work: () => Promise<T>): Promise<EventTimes & { result: T }> {
  const times: EventTimes = {};
  const result = await current.run(times, work);
  return { ...times, result };
}

/**
 * Adds one helpdesk write's duration to the event being processed; outside `timeEvent`, nothing.
 *
 * @example withWriteTiming(client, { onWrite: recordWriteBack })
 */
export function recordWriteBack(milliseconds: number): void {
  const times = current.getStore();
  if (times) times.writeBackMs = (times.writeBackMs ?? 0) + milliseconds;
}

/**
 * Adds one short wait for the tenant's helpdesk pace to the event being processed; outside `timeEvent`, nothing.
 *
 * @example helpdeskPaces({ clock, sleep: async (ms) => { recordPaceWait(ms); await sleep(ms) } })
 */
export function recordPaceWait(milliseconds: number): void {
  const times = current.getStore();
  if (times) times.paceMs = (times.paceMs ?? 0) + milliseconds;
}
