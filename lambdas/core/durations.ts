// MGN reports lag as an ISO-8601 duration (`PT1H30M`, `P1DT2H`); the doctor compares it in minutes.
const DURATION = /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Minutes in an ISO-8601 duration of days/hours/minutes/seconds; undefined when absent or malformed. */
export function parseDurationMinutes(duration: string | undefined): number | undefined {
  if (!duration) return undefined;
  const match = DURATION.exec(duration.trim());
  if (!match || duration.trim() === 'P' || duration.trim().endsWith('T')) return undefined;
  const [, days, hours, minutes, seconds] = match.map((part) => Number(part ?? 0));
  return (days ?? 0) * 1440 + (hours ?? 0) * 60 + (minutes ?? 0) + (seconds ?? 0) / 60;
}

/** `95` → `1h 35m`, for people. */
export function formatMinutes(totalMinutes: number): string {
  const minutes = Math.round(totalMinutes);
  if (minutes < 60) return `${minutes}m`;
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  return [days ? `${days}d` : '', hours ? `${hours}h` : '', rest ? `${rest}m` : ''].filter(Boolean).join(' ');
}

export function minutesBetween(from: string | Date, to: Date): number {
  return (to.getTime() - new Date(from).getTime()) / 60_000;
}
