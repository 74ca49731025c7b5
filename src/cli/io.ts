// How commands talk to the person at the terminal: lines out, errors, and a progress bar. The same
// interface is streamed over HTTP when a command runs inside the serving process (src/cli/remote.ts).
import { formatNumber } from '../platform/numbers.ts';
export interface CommandIO {
  out(line: string): void;
  err(line: string): void;
  /** Progress of a long task; the terminal shows a bar. */
  progress(done: number, total: number, label?: string): void;
}

/** `locale`: the locale of the progress bar's counts, once the configuration is read (LOCALE). */
export function terminalIO(stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr, locale: () => string | undefined = () => undefined): CommandIO {
  let barShown = false;
  let lastPct = -1;
  const clearBar = () => {
    if (barShown && stdout.isTTY) stdout.write('\r\x1b[2K');
    barShown = false;
  };
  return {
    out(line) {
      clearBar();
      stdout.write(line + '\n');
    },
    err(line) {
      clearBar();
      stderr.write(line + '\n');
    },
    progress(done, total, label = '') {
      const pct = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
      const text = `${progressBar(done, total, 30, locale())} ${label}`.trimEnd();
      if (stdout.isTTY) {
        stdout.write('\r\x1b[2K' + text);
        barShown = true;
        if (done >= total) {
          stdout.write('\n');
          barShown = false;
        }
      } else if (pct !== lastPct && (pct % 10 === 0 || done >= total)) {
        // Not a terminal (CI, pipes): a line per ten per cent.
        stdout.write(text + '\n');
      }
      lastPct = pct;
    },
  };
}

export function progressBar(done: number, total: number, width = 30, locale?: string): string {
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(frac * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(frac * 100)).padStart(3)}% ${formatNumber(done, locale)}/${formatNumber(total, locale)}`;
}

/** Collects output (tests, and the HTTP bridge). */
export function memoryIO(): CommandIO & { lines: string[]; errors: string[]; progressEvents: Array<[number, number]> } {
  const lines: string[] = [];
  const errors: string[] = [];
  const progressEvents: Array<[number, number]> = [];
  return {
    lines,
    errors,
    progressEvents,
    out: (l) => lines.push(l),
    err: (l) => errors.push(l),
    progress: (d, t) => progressEvents.push([d, t]),
  };
}
