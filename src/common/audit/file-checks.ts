import type { AuditCheck, FileFact, Finding } from './audit.types';

export function formatMode(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

/**
 * The mode a safe fix would set, or undefined when the file is fine. Inside
 * the state dir that is 0600 / 0700; outside it only "others" access is taken
 * away, so a group that lets a service user read the file keeps working.
 */
export function tightenedMode(file: FileFact): number | undefined {
  const loose = file.insideStateDir ? file.mode & 0o077 : file.mode & 0o007;
  if (loose === 0) return undefined;
  if (!file.insideStateDir) return file.mode & ~0o007;
  return file.kind === 'dir' ? 0o700 : 0o600;
}

function modeFinding(file: FileFact): Finding | undefined {
  const to = tightenedMode(file);
  if (to === undefined) return undefined;
  const others = (file.mode & 0o007) !== 0;
  const bits = others ? file.mode & 0o007 : (file.mode & 0o070) >> 3;
  const who = others ? 'every user of this host' : 'its group';
  const access =
    file.kind === 'dir' ? 'can look inside it' : bits & 0o2 ? 'can change it' : bits & 0o4 ? 'can read it' : 'has access to it';
  return {
    id: file.kind === 'dir' ? 'fs.dir-mode' : 'fs.file-mode',
    // A readable secret file is a leak; a loose directory exposes only what lacks its own protection.
    severity: file.kind === 'file' && others ? 'critical' : 'warn',
    message: `${file.label} ${file.path} has mode ${formatMode(file.mode)}: ${who} ${access}`,
    fix: `chmod ${formatMode(to).slice(1)} ${file.path}  (\`nestclaw security audit --fix\` does this)`,
    safeFix: { path: file.path, from: file.mode, to },
  };
}

export const checkFileModes: AuditCheck = ({ files }) =>
  files.map(modeFinding).filter((finding): finding is Finding => finding !== undefined);
