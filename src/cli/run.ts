/**
 * `formation run COMMAND`: a one-off command (a migration, a console) with the app's environment,
 * interactive stdin and its own exit status, like `foreman run`.
 */
import { execa } from 'execa';
import { displayPath } from '../core/environment';
import { statusNumber } from '../core/exitPolicy';
import { formatProblem } from '../core/problem';
import { descendants } from '../core/processGroup';
import { checkRoot, projectEnvironment, projectPaths, projectPortBase, type ProjectFlags, readProcfile, UsageError } from './project';

/** Quotes one word for `sh` unless it is made only of characters the shell leaves alone. */
export function shellQuote(word: string): string {
  return /^[A-Za-z0-9_\-.,/:@%+=]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The shell command for `run`'s words. One word is a shell command line as typed
 * (`formation run 'rake db:migrate && echo ok'`) or, when it names a process type, that type's
 * command (Foreman's rule); several words are an argument vector, each quoted
 * (`formation run node -e 'console.log(1)'`).
 *
 * @throws UsageError when the word names a process type that has an empty command
 */
export function runCommand(words: string[], types: readonly { name: string; command: string; runnable: boolean }[]): string {
  if (words.length !== 1) return words.map(shellQuote).join(' ');
  const type = types.find((t) => t.name === words[0]);
  if (type && !type.runnable) throw new UsageError(`process type "${type.name}" has an empty command in the Procfile`);
  return type?.command ?? words[0];
}

/**
 * Runs `formation run COMMAND…` in the root folder with the env files loaded and `PORT` set to the
 * base port. The command shares the terminal (stdin, stdout, stderr), so Ctrl-C reaches it directly;
 * SIGTERM and SIGHUP sent to `formation` are passed to the command and everything it started.
 *
 * @returns the command's exit status (128+n when killed by a signal)
 * @throws UsageError for a missing root, a missing env file or an env file error
 */
export async function run(words: string[], flags: ProjectFlags, cwd = process.cwd(), inherited = process.env): Promise<number> {
  const paths = projectPaths(flags, cwd);
  checkRoot(paths);
  const environment = projectEnvironment(flags, paths, cwd, inherited);
  for (const file of environment.files) {
    for (const problem of file.problems) process.stderr.write(formatProblem(displayPath(file.path, cwd), problem) + '\n');
  }
  if (environment.hasErrors) throw new UsageError('env file errors above; nothing run');
  const port = projectPortBase(flags, environment, inherited);
  const procfile = readProcfile(paths);
  const command = runCommand(words, 'error' in procfile ? [] : procfile.types);
  const child = execa('/bin/sh', ['-c', command], {
    cwd: paths.root,
    env: { ...environment.env, PORT: String(port) },
    extendEnv: false,
    stdio: 'inherit',
    reject: false,
  });
  const forward = (signal: NodeJS.Signals) => {
    // The command shares our process group (it needs the terminal), so signal its tree by PID.
    const tree = child.pid === undefined ? [] : [child.pid, ...descendants(child.pid)];
    for (const pid of tree) {
      try {
        process.kill(pid, signal);
      } catch {
        /* already gone */
      }
    }
  };
  const ignore = () => {}; // Ctrl-C goes to the whole foreground group; the command decides
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  try {
    const result = await child;
    if (result.failed && result.exitCode === undefined && result.signal === undefined) {
      process.stderr.write(`formation: cannot run: ${(result.originalMessage || 'spawn failed').slice(0, 200)}\n`);
      return 127;
    }
    return statusNumber({ code: result.exitCode, signal: result.signal });
  } finally {
    process.off('SIGINT', ignore);
    process.off('SIGTERM', forward);
    process.off('SIGHUP', forward);
  }
}
