import * as fs from 'node:fs';

/** A killed process whose new parent has not reaped it yet is a zombie: dead, though kill(pid, 0) still succeeds. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
