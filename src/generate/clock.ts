// Fast UTC timestamp formatting for millions of rows: day strings and times of day come from
// precomputed tables instead of Date objects.

const DAY = 86_400_000;
const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;

let HMS: string[] | undefined;
const MS3: string[] = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));

function hmsTable(): string[] {
  if (!HMS) {
    HMS = new Array<string>(86_400);
    for (let s = 0; s < 86_400; s++) HMS[s] = `${pad2(Math.floor(s / 3600))}:${pad2(Math.floor(s / 60) % 60)}:${pad2(s % 60)}`;
  }
  return HMS;
}

export class Clock {
  private readonly baseDay: number;
  private readonly dates: string[] = [];
  private readonly years: number[] = [];
  private readonly hms = hmsTable();

  /** Covers a day either side of [startMs, endMs) plus room for end times past the range. */
  constructor(startMs: number, endMs: number) {
    this.baseDay = Math.floor(startMs / DAY) - 1;
    const last = Math.floor(endMs / DAY) + 2;
    for (let d = this.baseDay; d <= last; d++) {
      const iso = new Date(d * DAY).toISOString();
      this.dates.push(iso.slice(0, 10));
      this.years.push(Number(iso.slice(0, 4)));
    }
  }

  private date(day: number): string {
    return this.dates[day - this.baseDay] ?? new Date(day * DAY).toISOString().slice(0, 10);
  }

  /** `YYYY-MM-DD HH:MM:SS` */
  sql(ms: number): string {
    const sec = Math.floor(ms / 1000);
    const day = Math.floor(sec / 86_400);
    return this.date(day) + ' ' + this.hms[sec - day * 86_400];
  }

  /** `YYYY-MM-DDTHH:MM:SS.mmmZ` */
  isoMs(ms: number): string {
    const sec = Math.floor(ms / 1000);
    const day = Math.floor(sec / 86_400);
    return this.date(day) + 'T' + this.hms[sec - day * 86_400] + '.' + MS3[ms - sec * 1000] + 'Z';
  }

  /** `YYYY-MM-DDTHH:MM:SSZ` for whole seconds since the epoch. */
  isoSec(sec: number): string {
    const day = Math.floor(sec / 86_400);
    return this.date(day) + 'T' + this.hms[sec - day * 86_400] + 'Z';
  }

  yearOfSec(sec: number): number {
    const day = Math.floor(sec / 86_400);
    return this.years[day - this.baseDay] ?? new Date(day * DAY).getUTCFullYear();
  }
}
