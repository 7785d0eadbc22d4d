import { execa } from 'execa';

/**
 * The script an instance's shell runs. Each instance runs as `/bin/sh -c SCRIPT` so Procfile
 * commands keep their shell meaning (`$PORT`, `&&`, pipes), as in Foreman.
 */

/** Shell builtins and keywords that `exec` cannot replace the shell with. */
const NOT_EXECUTABLE = new Set([
  '.', ':', '[', '[[', '{', '}', '!', 'alias', 'bg', 'break', 'case', 'cd', 'command', 'continue', 'do', 'done', 'elif', 'else', 'esac',
  'eval', 'exec', 'exit', 'export', 'fg', 'fi', 'for', 'function', 'getopts', 'hash', 'if', 'jobs', 'local', 'read', 'readonly', 'return',
  'select', 'set', 'shift', 'source', 'then', 'time', 'times', 'trap', 'type', 'ulimit', 'umask', 'unalias', 'unset', 'until', 'wait', 'while',
]);

/**
 * True for a single simple command (`node server.js --port $PORT`): no operators, redirections,
 * subshells, quotes or assignments before it, and a first word that is a program, not a builtin.
 */
export function isSimpleCommand(command: string): boolean {
  if (!/^[A-Za-z0-9_./:@%+,=$ \t{}-]+$/.test(command)) return false;
  const first = command.trim().split(/[ \t]+/)[0];
  return first !== '' && !first.includes('=') && !first.includes('$') && !NOT_EXECUTABLE.has(first);
}

/**
 * The script for `sh -c`: stderr merged into stdout by the shell (`exec 2>&1`), so lines keep the
 * order they were written in (case 35); a simple command replaces the shell (`exec`), so the
 * instance's PID is the program's own and its exit code or signal is reported as is (Debian's dash
 * does not exec the last command by itself). Anything else runs as written; stopping signals the
 * whole process group either way.
 */
export function shellScript(command: string): string {
  return `exec 2>&1\n${isSimpleCommand(command) ? `exec ${command}` : command}`;
}

/** Runs a command as `shell -c` (see {@link shellScript}) in its own process group (`detached`), with
 * its own stdin pipe (never the manager's) and output read as it comes (`buffer: false`). */
export function spawnShell(shell: string, command: string, cwd: string, env: Record<string, string>) {
  return execa(shell, ['-c', shellScript(command)], {
    cwd,
    env,
    extendEnv: false,
    detached: true,
    buffer: false,
    cleanup: false,
    reject: false,
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    encoding: 'buffer',
  });
}
