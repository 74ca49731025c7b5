// DATA_DIR holds what nobody else on the machine may read: sign-in links in outbox-staff, the
// embedded database's files, secrets.json, internal.json (the CLI's token), mail and uploads. Every
// process that touches it starts with umask 077, so whatever it (or PGlite inside it) creates is
// 0600/0700; the directory itself is created 0700, and an existing one whose modes are wider (made by
// an older version, or by hand) is tightened on start, with a warning naming how many entries other
// accounts could actually reach (every folder above them within DATA_DIR open to them as well).
// PGlite sets its files' modes itself (0666, whatever the umask): that is harmless inside folders
// that are 0700, and the embedded database's folder is tightened again whenever it is opened.
// Symbolic links are not followed.
import fs from 'node:fs';
import path from 'node:path';

export const PRIVATE_UMASK = 0o077;

export interface DataDirReport {
  /** Entries whose group or other bits were set and have been cleared. */
  fixed: number;
  /** Of those, the ones other accounts could reach: every folder above them was open too. */
  exposed: number;
  /** Entries that were wider and could not be changed (owned by someone else). */
  failed: string[];
  /** One of the entries that were fixed, for the warning. */
  example: string | null;
  created: boolean;
}

/** Files and directories created from now on by this process are private to its account. */
export function privateUmask(): void {
  process.umask(PRIVATE_UMASK);
}

/** Create DATA_DIR 0700 if missing; otherwise take group and other permissions off everything in it. */
export function secureDataDir(dir: string): DataDirReport {
  const report: DataDirReport = { fixed: 0, exposed: 0, failed: [], example: null, created: false };
  if (!fs.existsSync(dir)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    fs.chmodSync(dir, 0o700); // recursive mkdir leaves the umask's say on the last part
    report.created = true;
    return report;
  }
  const visit = (p: string, depth: number, reachable: boolean) => {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(p);
    } catch {
      return; // removed while we looked
    }
    if (st.isSymbolicLink()) return;
    const open = (st.mode & 0o077) !== 0;
    // Others reach what is inside a folder only through folders they may search (the x bits).
    const searchable = reachable && (st.mode & 0o011) !== 0;
    if (open) {
      try {
        fs.chmodSync(p, st.mode & 0o700);
        report.fixed++;
        if (reachable) {
          report.exposed++;
          report.example ??= p;
        }
      } catch {
        report.failed.push(p);
      }
    }
    if (st.isDirectory() && depth < 32) {
      let names: string[] = [];
      try {
        names = fs.readdirSync(p);
      } catch {
        return;
      }
      for (const n of names) visit(path.join(p, n), depth + 1, searchable);
    }
  };
  visit(dir, 0, true);
  return report;
}

/** The warning to print for a report, or null when there is nothing to say. */
export function dataDirWarning(dir: string, r: DataDirReport): string | null {
  const parts: string[] = [];
  if (r.exposed) {
    parts.push(
      `DATA_DIR ${dir} had ${r.exposed} file(s) or folder(s) that other local accounts could read or write (such as ${r.example}); ` +
        'they are now private to this account (0600 files, 0700 folders). Sign-in links, secrets or database files may have ' +
        'been read: consider rotating SECRET_KEY and the API keys.',
    );
  }
  if (r.failed.length) {
    parts.push(`DATA_DIR ${dir}: could not make ${r.failed.length} entr${r.failed.length === 1 ? 'y' : 'ies'} private (such as ${r.failed[0]}); check their owner.`);
  }
  return parts.length ? parts.join('\n') : null;
}
