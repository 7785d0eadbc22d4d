/**
 * `formation run COMMAND`: a one-off command (a migration, a console) with the app's environment,
 * interactive stdin and its own exit status, like `foreman run`.
 */
import { execa } from 'execa';
import { displayPath } from '../core/environment';
import { statusNumber } from '../core/exitPolicy';
import { formatProblem } from '../core/problem';
import { projectEnvironment, projectPaths, projectPortBase, type ProjectFlags, readProcfile, UsageError } from './project';

/**
 * Runs `formation run COMMAND…` in the root folder with the env files loaded and `PORT` set to the
 * base port. A single word naming a process type runs that type's command (Foreman's rule). The
 * command shares the terminal (stdin, stdout, stderr); Ctrl-C reaches it directly, SIGTERM and SIGHUP
 * sent to `formation` are passed on.
 *
 * @returns the command's exit status (128+n when killed by a signal)
 * @throws UsageError for a missing env file or an env file error
 */
export async function run(words: string[], flags: ProjectFlags, cwd = process.cwd(), inherited = process.env): Promise<number> {
  const paths = projectPaths(flags, cwd);
  const environment = projectEnvironment(flags, paths, cwd, inherited);
  for (const file of environment.files) {
    for (const problem of file.problems) process.stderr.write(formatProblem(displayPath(file.path, cwd), problem) + '\n');
  }
  if (environment.hasErrors) throw new UsageError('env file errors above; nothing run');
  const port = projectPortBase(flags, environment, inherited);
  const type = words.length === 1 ? readProcfile(paths)?.types.find((t) => t.name === words[0] && t.runnable) : undefined;
  const command = type?.command ?? words.join(' ');
  const child = execa('/bin/sh', ['-c', command], {
    cwd: paths.root,
    env: { ...environment.env, PORT: String(port) },
    extendEnv: false,
    stdio: 'inherit',
    reject: false,
  });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  const ignore = () => {}; // Ctrl-C goes to the whole foreground group; the child decides
  process.on('SIGINT', ignore);
  process.on('SIGTERM', forward);
  process.on('SIGHUP', forward);
  try {
    const result = await child;
    if (result.failed && result.exitCode === undefined && result.signal === undefined) {
      process.stderr.write(`formation: cannot run: ${result.shortMessage}\n`);
      return 127;
    }
    return statusNumber({ code: result.exitCode, signal: result.signal });
  } finally {
    process.off('SIGINT', ignore);
    process.off('SIGTERM', forward);
    process.off('SIGHUP', forward);
  }
}
