/**
 * The `formation` command: Foreman's CLI (`start`, `check`, `run`) over the same core as the VS Code
 * extension. Exit status 2 for usage errors (unknown flags, bad formation strings, missing files).
 */
import { Command, CommanderError, Option } from 'commander';
import { check } from './check';
import { exportCommand } from './export';
import { UsageError } from './project';
import { run } from './run';
import { start } from './start';

declare const PACKAGE_VERSION: string;

/** Builds the command line program; `exit` receives the status of the command that ran. */
export function program(exit: (status: number) => void): Command {
  const cli = new Command('formation')
    .description('Run the process types of a Procfile (Foreman-compatible).')
    .version(typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : 'dev')
    .exitOverride()
    .enablePositionalOptions()
    .showHelpAfterError('(run "formation --help" for usage)');

  const procfileOption = () => new Option('-f, --procfile <file>', 'the Procfile (default: ./Procfile, or ROOT/Procfile with -d)');
  const rootOption = () => new Option('-d, --root <dir>', "the app's root: processes run there and .env is read there (default: the Procfile's folder)");
  const envOption = () =>
    new Option('-e, --env <files>', 'comma-separated env files, relative to the current folder; later files win; repeatable (default: ROOT/.env)').argParser(
      (value: string, previous: string | undefined) => (previous === undefined ? value : `${previous},${value}`),
    );
  const portOption = () => new Option('-p, --port <port>', 'base port (default: PORT from the env files, else from the environment, else 5000)');

  cli
    .command('start')
    .description('start the formation: every process type once, or the counts of -m')
    .argument('[process]', 'start only this process type')
    .addOption(procfileOption())
    .addOption(rootOption())
    .addOption(envOption())
    .option('-m, --formation <formation>', 'instances per type, e.g. all=1,web=2,worker=0 (unlisted types get the all count, else 0)')
    .addOption(portOption())
    .option('-t, --timeout <seconds>', 'seconds between SIGTERM and SIGKILL on stop: 5, or all=5,worker=30', undefined)
    .option('--restart <policy>', 'restart policy when a process exits by itself: on-failure, always, never', 'on-failure')
    .option('--stop-on-exit', "Foreman's behaviour: stop everything when any process exits, and exit with its status")
    .option('--no-color', 'no colours (also NO_COLOR)')
    .option('--no-timestamp', 'no HH:MM:SS timestamps')
    .action(async (processName: string | undefined, flags) => exit(await start(processName, flags)));

  cli
    .command('check')
    .description('check the Procfile: every line that does not run is reported with its line and column')
    .addOption(procfileOption())
    .addOption(rootOption())
    .option('--json', 'print one JSON document: {"entries":[…],"problems":[…]}')
    .action((flags) => exit(check(flags, (text) => process.stdout.write(text))));

  cli
    .command('run')
    .description("run a one-off command with the app's env files, interactively, and exit with its status")
    .argument('<command...>', 'the command, or the name of a process type')
    .addOption(procfileOption())
    .addOption(rootOption())
    .addOption(envOption())
    .addOption(portOption())
    .passThroughOptions()
    .action(async (words: string[], flags) => exit(await run(words, flags)));
  cli
    .command('export')
    .description('write the formation for an engine that runs it on many machines: systemd, supervisord, compose, kubernetes')
    .argument('<format>', 'systemd, supervisord, compose or kubernetes')
    .argument('<dir>', 'the folder to write to (created if missing)')
    .addOption(procfileOption())
    .addOption(rootOption())
    .option('-a, --app <name>', "the app's name: prefix of units, programs and objects (default: the root folder's name)")
    .option('-u, --user <user>', 'the user processes run as (systemd, supervisord)')
    .option('-m, --formation <formation>', 'instances per type, e.g. all=1,web=2,worker=0 (default: every type once)')
    .addOption(envOption())
    .addOption(portOption())
    .option('-t, --timeout <seconds>', 'seconds between SIGTERM and SIGKILL on stop', undefined)
    .option('--image <image>', 'container image (compose: instead of build: .; kubernetes: default APP:latest)')
    .action((format: string, dir: string, flags) =>
      exit(exportCommand(format, dir, flags, { out: (text) => process.stdout.write(text), err: (text) => process.stderr.write(text) })),
    );
  return cli;
}

/** Entry point: parses argv, maps errors to messages and exit statuses. */
async function main(argv: string[]): Promise<void> {
  let status: number | undefined;
  const cli = program((code) => (status = code));
  try {
    await cli.parseAsync(argv);
    if (status === undefined) {
      cli.outputHelp();
      status = 2;
    }
  } catch (error) {
    if (error instanceof CommanderError) {
      status = error.exitCode === 0 ? 0 : 2; // help and --version exit 0; every usage error 2
    } else if (error instanceof UsageError) {
      process.stderr.write(`formation: ${error.message}\n`);
      status = 2;
    } else {
      process.stderr.write(`formation: internal error: ${(error as Error)?.stack ?? String(error)}\n`);
      status = 1;
    }
  }
  // Exit once everything written has reached stdout, however slow the reader (a write callback runs
  // after the earlier writes); a reader that went away (EPIPE) calls it with an error at once.
  process.exitCode = status;
  process.stdout.write('', () => process.exit(status));
}

void main(process.argv);
