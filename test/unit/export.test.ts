/**
 * `formation export` (core/exportFormation): golden files for every format × fixture, and every
 * exported file read back by what reads it on the target: systemd-analyze verify (and systemd's own
 * EnvironmentFile= and ExecStart= rules), supervisord's config parser and `%` expansion (python3's
 * configparser as supervisord sets it up, and supervisord itself when installed) then /bin/sh, the
 * Compose specification's schema and Compose's env_file rules, Kubernetes' OpenAPI (kubernetes-models),
 * kubectl's YAML 1.1 and the API server's name rules. Helpers: test/fixtures/export/validators.ts.
 *
 * Golden files: test/fixtures/export/golden/<fixture>/<format>/ holds every exported file as written
 * plus `_export.json` (file names with modes, and the warnings). After a deliberate change to the
 * exporter, regenerate them with
 *
 *     npm run build && FORMATION_UPDATE_GOLDEN=1 npx mocha out/test/unit/export.test.js
 *
 * (in that mode the golden tests write instead of comparing), then read `git diff
 * test/fixtures/export/golden` as someone deploying those files would before committing it.
 *
 * The tests under "exporter bugs found in review" state what the output should be and fail until
 * src/core/exportFormation.ts is fixed; the goldens do not encode those bugs (their fixtures avoid
 * the inputs that trigger them).
 */
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { loadEnvironment } from '../../src/core/environment';
import { EXPORT_FORMATS, ExportError, type ExportFormat, exportFormation, type ExportInput, type ExportResult } from '../../src/core/exportFormation';
import { choosePortBase, parseFormation } from '../../src/core/formation';
import { parseProcfile } from '../../src/core/procfile';
import { isSimpleCommand } from '../../src/core/shellCommand';
import {
  checkComposeExport,
  checkKubernetesExport,
  composeValidator,
  countOf,
  DNS1123_LABEL,
  kubernetesDocuments,
  kubernetesExpand,
  parseComposeEnvFile,
  parseSystemdEnvFile,
  runBounded,
  validateKubernetesObject,
  which,
  type WrittenFile,
} from '../fixtures/export/validators';
import { FIXTURES } from './support/cli';

const EXPORT_FIXTURES = join(FIXTURES, 'export');
const GOLDEN = join(EXPORT_FIXTURES, 'golden');
const MANIFEST = '_export.json';
const UPDATE = process.env.FORMATION_UPDATE_GOLDEN === '1';
/** Where the app and the exported files live on the target: fixed, so goldens are the same on every machine. */
const ROOT_ON_TARGET = '/srv/app';
const OUTPUT_ON_TARGET = '/etc/formation';
/** Variables of basic/.env that must only reach Kubernetes as placeholders. */
const BASIC_SECRETS = ['DATABASE_URL', 'SECRET_KEY_BASE'];

/** The script `sh -c` runs for a Procfile command (as it runs locally: core/shellCommand). */
const scriptOf = (command: string): string => (isSimpleCommand(command) ? `exec ${command}` : command);

/** One export scenario: a fixture folder and the flags `formation export` would get. */
interface Variant {
  fixture: string;
  app?: string;
  /** `-m` */
  formation?: string;
  /** `-p` */
  port?: string;
  stopTimeoutS: number;
  user?: string;
  image?: string;
  formats: readonly ExportFormat[];
  /** Kubernetes: variables expected in the Secret. */
  secrets: readonly string[];
}

const VARIANTS: readonly Variant[] = [
  // A type at 0 (release), two webs, a compound command with quotes, % and $.
  { fixture: 'basic', formation: 'all=1,web=2,release=0', stopTimeoutS: 7.5, formats: EXPORT_FORMATS, secrets: BASIC_SECRETS },
  // Names every engine must sanitise; -p, -u, --image; a type at 0 and one at 3.
  { fixture: 'names', formation: 'all=1,worker-2=3,api=0', port: '6000', stopTimeoutS: 30, user: 'root', image: 'registry.example.com/names:1.2.3', formats: EXPORT_FORMATS, secrets: [] },
  // web_app and web-app: fine as units, programs and services; an ExportError for Kubernetes (below).
  { fixture: 'collide', stopTimeoutS: 5, formats: ['systemd', 'supervisord', 'compose'], secrets: [] },
];

/** Reads a fixture as `formation export -d FIXTURE` would (env files only: nothing inherited). */
function loadFixture(fixture: string) {
  const dir = join(EXPORT_FIXTURES, fixture);
  const procfile = parseProcfile(readFileSync(join(dir, 'Procfile')));
  assert.deepEqual(procfile.problems.filter((p) => p.severity === 'error'), [], `${fixture}/Procfile`);
  const environment = loadEnvironment({}, [{ path: join(dir, '.env'), explicit: false }]);
  assert.equal(environment.hasErrors, false, `${fixture}/.env`);
  return { types: procfile.types, env: environment.fromFiles };
}

/**
 * The ExportInput for a variant. Compose goldens put compose.yaml in the app's folder: `build: .` and
 * `env_file` are relative to the compose file, and that is the layout where `build: .` is right (the
 * other layout is one of the bugs below).
 */
function inputFor(variant: Variant, format: ExportFormat, overrides: Partial<ExportInput> = {}): ExportInput {
  const { types, env } = loadFixture(variant.fixture);
  return {
    app: variant.app ?? variant.fixture,
    root: ROOT_ON_TARGET,
    outputDir: format === 'compose' ? ROOT_ON_TARGET : OUTPUT_ON_TARGET,
    user: variant.user,
    types,
    counts: variant.formation === undefined ? undefined : parseFormation(variant.formation),
    basePort: choosePortBase(variant.port, env.PORT, undefined),
    env,
    stopTimeoutS: variant.stopTimeoutS,
    image: variant.image,
    ...overrides,
  };
}

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'formation-export-'));
  tempDirs.push(dir);
  return dir;
}
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function writeFiles(dir: string, files: readonly WrittenFile[]): void {
  for (const file of files) {
    writeFileSync(join(dir, file.name), file.content, { mode: file.mode ?? 0o644 });
    chmodSync(join(dir, file.name), file.mode ?? 0o644);
  }
}

/** The file of a result by name. */
function fileOf(result: ExportResult, name: string): WrittenFile {
  const found = result.files.find((f) => f.name === name);
  assert.ok(found, `${name} not exported (files: ${result.files.map((f) => f.name).join(', ')})`);
  return found;
}

// ---------------------------------------------------------------------------------------------
// Small readers

/** `[Section]` and `Key=Value` lines of a systemd unit, in order (`#`/`;` lines skipped). */
function readUnit(text: string): { section: string; key: string; value: string }[] {
  const entries: { section: string; key: string; value: string }[] = [];
  let section = '';
  for (const line of text.split('\n')) {
    if (/^\s*([#;]|$)/.test(line)) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    const eq = line.indexOf('=');
    assert.ok(eq > 0, `not a unit line: ${line}`);
    assert.ok(!line.endsWith('\\'), `a continued unit line: ${line}`);
    entries.push({ section, key: line.slice(0, eq), value: line.slice(eq + 1) });
  }
  return entries;
}

function unitValues(entries: ReturnType<typeof readUnit>, section: string, key: string): string[] {
  return entries.filter((e) => e.section === section && e.key === key).map((e) => e.value);
}

/**
 * What `sh` gets from `ExecStart=/bin/sh -c "…"`: systemd unquotes and C-unescapes the word, resolves
 * specifiers (`%%` is `%`) and, when it runs it, variables (`$$` is `$`, `${NAME}` expands). Anything
 * this reader does not know (another specifier, an unknown escape, a variable reference) throws:
 * the exporter must leave none.
 */
function execStartScript(execStart: string): string {
  const match = /^\/bin\/sh -c "(.*)"$/s.exec(execStart);
  assert.ok(match, `ExecStart is not /bin/sh -c "…": ${execStart}`);
  const C_ESCAPES: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'", s: ' ' };
  let word = '';
  const quoted = match[1];
  for (let i = 0; i < quoted.length; i++) {
    const c = quoted[i];
    if (c === '"') assert.fail(`an unescaped " ends the word early: ${execStart}`);
    if (c !== '\\') {
      word += c;
      continue;
    }
    const next = quoted[++i];
    assert.ok(next !== undefined && next in C_ESCAPES, `escape \\${next} in ExecStart`);
    word += C_ESCAPES[next];
  }
  let specified = '';
  for (let i = 0; i < word.length; i++) {
    if (word[i] !== '%') specified += word[i];
    else if (word[++i] === '%') specified += '%';
    else assert.fail(`specifier %${word[i]} in ExecStart would be replaced by systemd`);
  }
  let script = '';
  for (let i = 0; i < specified.length; i++) {
    if (specified[i] !== '$') script += specified[i];
    else if (specified[++i] === '$') script += '$';
    else assert.fail(`$${specified[i]} in ExecStart: systemd expands or keeps it depending on the word; the exporter must write $$`);
  }
  return script;
}

/**
 * A supervisord config as supervisord reads it: Python's RawConfigParser with supervisord's settings
 * (UnhosedConfigParser: inline comments start at `;` or `#` after whitespace), then its `%(name)s`
 * expansion per process and shlex's split of `command`.
 */
interface SupervisordProgram {
  options: Record<string, string>;
  processes: { name: string; argv: string[]; directory: string }[];
}

function readSupervisordIni(text: string): Map<string, Record<string, string>> {
  const sections = new Map<string, Record<string, string>>();
  let current: Record<string, string> | undefined;
  for (const line of text.split('\n')) {
    if (/^\s*([;#]|$)/.test(line)) continue;
    const header = /^\[([^\]]+)\]/.exec(line);
    if (header) {
      current = {};
      sections.set(header[1], current);
      continue;
    }
    assert.ok(current, `option outside a section: ${line}`);
    assert.ok(!/^\s/.test(line), `a continuation line: ${line}`);
    const sep = /[=:]/.exec(line);
    assert.ok(sep, `not an option line: ${line}`);
    let value = line.slice(sep.index + 1);
    const comment = /\s[;#]/.exec(value);
    if (comment) value = value.slice(0, comment.index);
    current[line.slice(0, sep.index).trim().toLowerCase()] = value.trim();
  }
  return sections;
}

/** Python's `text % expansions` as supervisord's `expand()` applies it. */
function supervisordExpand(text: string, expansions: Record<string, string | number>): string {
  return text.replace(/%(?:\((\w+)\)([sd])|%|(.))/g, (all, name: string | undefined, conversion: string | undefined, other: string | undefined) => {
    if (all === '%%') return '%';
    assert.equal(other, undefined, `"%${other}" in ${text}: supervisord's expansion fails (ValueError)`);
    assert.ok(name !== undefined && name in expansions, `%(${name})${conversion} is not a supervisord expansion`);
    const value = expansions[name];
    return conversion === 'd' ? String(Math.trunc(Number(value))) : String(value);
  });
}

/** POSIX shlex.split, as supervisord splits `command`. */
function shlexSplit(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      assert.ok(end >= 0, `No closing quotation in ${text}`);
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      word = word ?? '';
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && (text[i + 1] === '"' || text[i + 1] === '\\')) i++;
        word += text[i];
      }
      assert.ok(i < text.length, `No closing quotation in ${text}`);
    } else if (c === '\\') {
      word = (word ?? '') + (text[++i] ?? '');
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

function readSupervisord(text: string, here: string): Map<string, SupervisordProgram> {
  const programs = new Map<string, SupervisordProgram>();
  for (const [section, options] of readSupervisordIni(text)) {
    if (!section.startsWith('program:')) continue;
    const name = section.slice('program:'.length);
    const numprocs = Number(options.numprocs ?? '1');
    const start = Number(options.numprocs_start ?? '0');
    const processes = [];
    for (let num = start; num < start + numprocs; num++) {
      const expansions = { program_name: name, process_num: num, group_name: name, host_node_name: 'host', numprocs, here };
      processes.push({
        name: supervisordExpand(options.process_name ?? '%(program_name)s', expansions),
        argv: shlexSplit(supervisordExpand(options.command, expansions)),
        directory: supervisordExpand(options.directory ?? '', { here }),
      });
    }
    programs.set(name, { options, processes });
  }
  return programs;
}

/** The same reading done by Python itself (configparser set up as supervisord does, `%`, shlex). */
const PYTHON_SUPERVISORD_READER = `
import configparser, json, shlex, sys
# supervisor.options.UnhosedConfigParser: a RawConfigParser with these two settings.
parser = configparser.RawConfigParser(inline_comment_prefixes=(';', '#'), strict=False)
with open(sys.argv[1]) as f:
    parser.read_file(f)
out = {}
for section in parser.sections():
    if not section.startswith('program:'):
        continue
    name = section[len('program:'):]
    options = dict(parser.items(section))
    numprocs = int(options.get('numprocs', '1'))
    start = int(options.get('numprocs_start', '0'))
    processes = []
    for num in range(start, start + numprocs):
        expansions = {'program_name': name, 'process_num': num, 'group_name': name, 'host_node_name': 'host', 'numprocs': numprocs, 'here': sys.argv[2]}
        processes.append({
            'name': options.get('process_name', '%(program_name)s') % expansions,
            'argv': shlex.split(options['command'] % expansions),
            'directory': options.get('directory', '') % {'here': sys.argv[2]},
        })
    out[name] = {'options': options, 'processes': processes}
print(json.dumps(out))
`;

/** supervisord's own reading (supervisor.options.ServerOptions), when supervisord is installed. */
const SUPERVISORD_OWN_READER = `
import json, shlex, sys
from supervisor.options import ServerOptions
options = ServerOptions()
options.realize(args=['-c', sys.argv[1]])
out = {}
for group in options.process_group_configs:
    for process in group.process_configs:
        out[process.name] = {'argv': shlex.split(process.command), 'directory': process.directory, 'stopwaitsecs': process.stopwaitsecs}
print(json.dumps(out))
`;

// ---------------------------------------------------------------------------------------------
// systemd-analyze

/**
 * stderr lines of `systemd-analyze verify` that are about this machine, not about the exported
 * units. None are needed with systemd 252 (Debian 12) in a container without systemd running; add a
 * pattern here only with the reason it is not the units' fault.
 */
const SYSTEMD_ANALYZE_EXPECTED: readonly RegExp[] = [];

async function systemdAnalyze(): Promise<{ path: string; version: string }> {
  const path = which('systemd-analyze');
  if (path === undefined) assert.fail("systemd-analyze not found: install Debian's `systemd` package (apt-get install systemd; .ci/run installs it)");
  const ran = await runBounded(path, ['--version'], { timeoutMs: 10_000 });
  assert.equal(ran.code, 0, ran.stderr);
  return { path, version: ran.stdout.split('\n')[0] };
}

/** Writes the files to `dir` and runs `systemd-analyze verify` on every unit and target; fails on any unexpected stderr line. */
async function verifySystemd(dir: string, files: readonly WrittenFile[]): Promise<void> {
  const { path } = await systemdAnalyze();
  writeFiles(dir, files);
  const units = files.map((f) => f.name).filter((name) => /\.(service|target)$/.test(name));
  assert.ok(units.length > 0);
  const ran = await runBounded(path, ['verify', '--man=no', ...units], { cwd: dir, timeoutMs: 30_000, env: { ...process.env, SYSTEMD_LOG_COLOR: '0', SYSTEMD_PAGER: '' } });
  assert.equal(ran.timedOut, false, 'systemd-analyze verify hung (killed after 30 s)');
  const unexpected = ran.stderr.split('\n').filter((line) => line.trim() !== '' && !SYSTEMD_ANALYZE_EXPECTED.some((re) => re.test(line)));
  assert.deepEqual(unexpected, [], `systemd-analyze verify complained:\n${ran.stderr}`);
  assert.equal(ran.code, 0, `systemd-analyze verify exited ${ran.code}:\n${ran.stdout}${ran.stderr}`);
}

/** Checks the units of a systemd export against what was asked (PORT rule, script, env file, timeout, user). */
function checkSystemdExport(result: ExportResult, input: ExportInput): void {
  const appUnit = result.files.find((f) => f.name.endsWith('.target'));
  assert.ok(appUnit, 'no target exported');
  const app = appUnit.name.replace(/\.target$/, '');
  const envFile = fileOf(result, `${app}.env`);
  assert.equal(envFile.mode, 0o600);
  assert.deepEqual(parseSystemdEnvFile(envFile.content), input.env, `${envFile.name} does not read back (by systemd's EnvironmentFile= rules) as the env files' variables`);
  const target = readUnit(appUnit.content);
  const wants = unitValues(target, 'Unit', 'Wants').flatMap((v) => v.split(' '));
  const services = result.files.filter((f) => f.name.endsWith('.service'));
  assert.deepEqual([...wants].sort(), services.map((f) => f.name).sort(), 'the target wants every unit, and only those');
  for (const type of input.types.filter((t) => t.runnable)) {
    const count = countOf(input, type.name);
    const mine = services.filter((f) => unitValues(readUnit(f.content), 'Service', 'Environment').some((v) => v.split(' ').some((a) => a.startsWith(`PS=${type.name}.`))));
    assert.equal(mine.length, count, `units of ${type.name}`);
    if (count === 0) assert.match(appUnit.content, new RegExp(`^# scaled to 0, not exported: .*\\b${type.name}\\b`, 'm'));
    for (let index = 1; index <= count; index++) {
      const unit = mine.find((f) => unitValues(readUnit(f.content), 'Service', 'Environment').join(' ').split(' ').includes(`PS=${type.name}.${index}`));
      assert.ok(unit, `no unit for ${type.name}.${index}`);
      const entries = readUnit(unit.content);
      const where = unit.name;
      const environment = Object.fromEntries(unitValues(entries, 'Service', 'Environment').flatMap((v) => v.split(' ')).map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]));
      // Foreman's PORT rule: base + 100 × the type's slot + instance − 1.
      assert.deepEqual(environment, { PORT: String(input.basePort + 100 * type.slot + index - 1), PS: `${type.name}.${index}` }, where);
      assert.deepEqual(unitValues(entries, 'Service', 'ExecStart').map(execStartScript), [`exec 2>&1; ${scriptOf(type.command)}`], where);
      assert.deepEqual(unitValues(entries, 'Service', 'EnvironmentFile'), [`-${input.outputDir}/${envFile.name}`], where);
      assert.deepEqual(unitValues(entries, 'Service', 'WorkingDirectory'), [input.root], where);
      assert.deepEqual(unitValues(entries, 'Service', 'TimeoutStopSec'), [String(input.stopTimeoutS)], where);
      assert.deepEqual(unitValues(entries, 'Service', 'User'), input.user === undefined ? [] : [input.user], where);
      assert.deepEqual(unitValues(entries, 'Unit', 'PartOf'), [appUnit.name], where);
      assert.deepEqual(unitValues(entries, 'Install', 'WantedBy'), [appUnit.name], where);
    }
  }
}

/** Checks a supervisord export read as supervisord reads it; returns the programs. */
function checkSupervisordExport(result: ExportResult, input: ExportInput): Map<string, SupervisordProgram> {
  const conf = result.files.find((f) => f.name.endsWith('.conf'));
  assert.ok(conf, 'no .conf exported');
  const app = conf.name.replace(/\.conf$/, '');
  const envFile = fileOf(result, `${app}.env`);
  assert.equal(envFile.mode, 0o600);
  // `%` is supervisord's expansion character: outside the two expansions used, it must come doubled.
  const programs = readSupervisord(conf.content, input.outputDir);
  for (const [name, program] of programs) {
    const rest = program.options.command.replace(/%\(process_num\)d/g, '').replace(/%%/g, '');
    assert.ok(!rest.includes('%'), `[program:${name}] command has a lone %: ${program.options.command}`);
    assert.equal(program.options.process_name, '%(program_name)s.%(process_num)d');
  }
  const groups = readSupervisordIni(conf.content);
  for (const type of input.types.filter((t) => t.runnable)) {
    const count = countOf(input, type.name);
    const found = [...programs.values()].filter((p) => p.processes.some((proc) => proc.argv[2]?.includes(`PS=${type.name}.`)));
    if (count === 0) {
      assert.deepEqual(found, [], `${type.name} is at 0: no program (supervisord has no numprocs=0)`);
      assert.match(conf.content, new RegExp(`^; scaled to 0, not exported: .*\\b${type.name}\\b`, 'm'));
      continue;
    }
    assert.equal(found.length, 1, `one program for ${type.name}`);
    const [program] = found;
    assert.equal(program.options.numprocs, String(count));
    assert.equal(program.options.stopwaitsecs, String(Math.ceil(input.stopTimeoutS)));
    assert.equal(program.options.user, input.user);
    assert.deepEqual(program.processes.map((p) => p.directory), Array(count).fill(input.root));
    program.processes.forEach((proc, i) => {
      const index = i + 1;
      assert.equal(proc.argv.length, 3, `${proc.name}: ${JSON.stringify(proc.argv)}`);
      assert.deepEqual(proc.argv.slice(0, 2), ['/bin/sh', '-c']);
      const script = proc.argv[2];
      assert.ok(script.endsWith(`; exec 2>&1; ${scriptOf(type.command)}`), `${proc.name} runs ${JSON.stringify(script)}`);
      assert.ok(script.includes(`PORT=$((${input.basePort + 100 * type.slot} + ${index} - 1)); PS=${type.name}.${index};`), `${proc.name}: PORT/PS in ${JSON.stringify(script)}`);
    });
  }
  const group = [...groups.keys()].filter((s) => s.startsWith('group:'));
  assert.deepEqual(group, [`group:${app}`]);
  assert.deepEqual(groups.get(`group:${app}`)?.programs.split(','), [...programs.keys()]);
  return programs;
}

/**
 * Runs, in the real /bin/sh, the part of each supervisord script that sets up the environment (the
 * env file sourced with `set -a`, PORT and PS), then prints the environment instead of running the
 * app: it must be the env files' variables exactly, plus PORT and PS.
 */
async function checkSupervisordEnvironment(programs: Map<string, SupervisordProgram>, input: ExportInput): Promise<void> {
  for (const program of programs.values()) {
    for (const proc of program.processes) {
      const script = proc.argv[2];
      const cut = script.indexOf('exec 2>&1; ');
      assert.ok(cut > 0);
      const probe = `${script.slice(0, cut)}exec ${JSON.stringify(process.execPath)} -e 'process.stdout.write(JSON.stringify(process.env))'`;
      const ran = await runBounded('/bin/sh', ['-c', probe], { cwd: input.root, timeoutMs: 10_000, env: { PATH: '/usr/bin:/bin' } });
      assert.equal(ran.code, 0, ran.stderr);
      const env = JSON.parse(ran.stdout) as Record<string, string>;
      for (const key of ['PWD', 'SHLVL', '_', 'OLDPWD']) delete env[key];
      const ps = /PS=([^;]+);/.exec(script)?.[1];
      const port = /PORT=\$\(\((\d+) \+ (\d+) - 1\)\)/.exec(script);
      assert.ok(ps !== undefined && port);
      assert.deepEqual(env, { PATH: '/usr/bin:/bin', ...input.env, PORT: String(Number(port[1]) + Number(port[2]) - 1), PS: ps }, `${proc.name}: the environment /bin/sh sets up`);
    }
  }
}

// ---------------------------------------------------------------------------------------------

describe('formation export', function () {
  this.timeout(60_000);

  describe(`golden files (test/fixtures/export/golden; FORMATION_UPDATE_GOLDEN=1 rewrites them)`, () => {
    for (const variant of VARIANTS) {
      for (const format of variant.formats) {
        it(`${variant.fixture} → ${format}`, () => {
          const result = exportFormation(format, inputFor(variant, format));
          const dir = join(GOLDEN, variant.fixture, format);
          const manifest = { files: result.files.map((f) => ({ name: f.name, mode: f.mode === undefined ? null : `0${f.mode.toString(8)}` })), warnings: result.warnings };
          if (UPDATE) {
            rmSync(dir, { recursive: true, force: true });
            mkdirSync(dir, { recursive: true });
            for (const file of result.files) writeFileSync(join(dir, file.name), file.content);
            writeFileSync(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
            return;
          }
          const hint = 'regenerate with FORMATION_UPDATE_GOLDEN=1 if the change is deliberate';
          assert.ok(existsSync(join(dir, MANIFEST)), `no golden files in ${dir}: create them with FORMATION_UPDATE_GOLDEN=1`);
          assert.deepEqual(JSON.parse(readFileSync(join(dir, MANIFEST), 'utf8')), manifest, `${MANIFEST} (files, modes, warnings) differs: ${hint}`);
          assert.deepEqual(readdirSync(dir).sort(), [...result.files.map((f) => f.name), MANIFEST].sort(), `golden files of ${variant.fixture}/${format}`);
          for (const file of result.files) assert.equal(file.content, readFileSync(join(dir, file.name), 'utf8'), `${file.name} differs from its golden file: ${hint}`);
        });
      }
    }
  });

  describe('systemd: checked by systemd-analyze verify and systemd’s own rules', () => {
    it('has systemd-analyze (Debian package `systemd`)', async () => {
      const { version } = await systemdAnalyze();
      assert.match(version, /^systemd \d+/);
    });

    for (const variant of VARIANTS.filter((v) => v.formats.includes('systemd'))) {
      it(`${variant.fixture}: units and target pass verify; PORT rule, script, env file, timeout`, async () => {
        const dir = tempDir();
        // The env file really sits where EnvironmentFile= points, and WorkingDirectory= exists.
        const input = inputFor(variant, 'systemd', { root: dir, outputDir: dir });
        const result = exportFormation('systemd', input);
        checkSystemdExport(result, input);
        await verifySystemd(dir, result.files);
      });
    }

    it('-a "My App": escaped unit names (My\\x20App-…) that verify accepts', async () => {
      const dir = tempDir();
      const input = inputFor(VARIANTS[1], 'systemd', { app: 'My App', root: dir, outputDir: dir });
      const result = exportFormation('systemd', input);
      assert.deepEqual(result.files.map((f) => f.name), [
        'My\\x20App.target',
        'My\\x20App-Web_App.1.service',
        'My\\x20App-worker-2.1.service',
        'My\\x20App-worker-2.2.service',
        'My\\x20App-worker-2.3.service',
        'My\\x20App.env',
      ]);
      checkSystemdExport(result, input);
      await verifySystemd(dir, result.files);
    });
  });

  describe('supervisord: read as supervisord reads it, then run by /bin/sh', () => {
    /** Exports into a temp folder and reads the result back with every reader available. */
    async function exportAndRead(input: ExportInput): Promise<ExportResult> {
      const result = exportFormation('supervisord', input);
      const programs = checkSupervisordExport(result, input);
      writeFiles(input.outputDir, result.files);
      await checkSupervisordEnvironment(programs, input);
      const conf = join(input.outputDir, result.files[0].name);
      const python = which('python3');
      if (python !== undefined) {
        const ran = await runBounded(python, ['-c', PYTHON_SUPERVISORD_READER, conf, input.outputDir], { timeoutMs: 20_000 });
        assert.equal(ran.code, 0, `python3's configparser (as supervisord sets it up) rejects ${result.files[0].name}:\n${ran.stderr}`);
        assert.deepEqual(JSON.parse(ran.stdout), Object.fromEntries(programs), 'python3 reads the config as the test does');
      }
      await checkWithSupervisord(input.outputDir, conf, programs);
      return result;
    }

    for (const variant of VARIANTS.filter((v) => v.formats.includes('supervisord'))) {
      it(`${variant.fixture}: numprocs, %(process_num)d, %% escapes, PORT and PS per process, the env file through /bin/sh`, async () => {
        const dir = tempDir();
        await exportAndRead(inputFor(variant, 'supervisord', { root: dir, outputDir: dir }));
      });
    }

    it('-a "My App": program, group and file names My_App…', async () => {
      const dir = tempDir();
      const result = await exportAndRead(inputFor(VARIANTS[1], 'supervisord', { app: 'My App', root: dir, outputDir: dir }));
      assert.deepEqual(result.files.map((f) => f.name), ['My_App.conf', 'My_App.env']);
      assert.match(result.files[0].content, /^\[group:My_App\]\nprograms=My_App-Web_App,My_App-worker-2$/m);
    });
  });

  describe('compose: the Compose specification’s schema and Compose’s env_file rules', () => {
    const validate = composeValidator();
    for (const variant of VARIANTS.filter((v) => v.formats.includes('compose'))) {
      it(`${variant.fixture}: valid compose.yaml; env_file is the normalised <app>.env (0600); commands, replicas, PORT`, () => {
        const input = inputFor(variant, 'compose');
        const result = exportFormation('compose', input);
        checkComposeExport(result.files, input, scriptOf, validate);
      });
    }

    it('-a "My App": project my-app, env file my-app.env, still valid', () => {
      const input = inputFor(VARIANTS[1], 'compose', { app: 'My App' });
      const result = exportFormation('compose', input);
      assert.deepEqual(result.files.map((f) => f.name), ['compose.yaml', 'my-app.env']);
      const doc = checkComposeExport(result.files, input, scriptOf, validate);
      assert.equal(doc.name, 'my-app');
    });
  });

  describe('kubernetes: kubernetes-models, kubectl’s YAML 1.1 and the API server’s name rules', () => {
    for (const variant of VARIANTS.filter((v) => v.formats.includes('kubernetes'))) {
      it(`${variant.fixture}: every document valid; secrets only as placeholders; commands, replicas, PORT`, () => {
        const input = inputFor(variant, 'kubernetes');
        const result = exportFormation('kubernetes', input);
        checkKubernetesExport(result.files, input, scriptOf, variant.secrets);
      });
    }

    it('basic: SECRET_KEY_BASE and DATABASE_URL only in the Secret, never their values; the rest in the ConfigMap', () => {
      const input = inputFor(VARIANTS[0], 'kubernetes');
      const result = exportFormation('kubernetes', input);
      const [secret] = kubernetesDocuments(fileOf(result, 'basic-secrets.yaml').content);
      assert.deepEqual(secret.stringData, { DATABASE_URL: 'REPLACE_ME', SECRET_KEY_BASE: 'REPLACE_ME' });
      const [configMap] = kubernetesDocuments(fileOf(result, 'basic-env.yaml').content);
      assert.deepEqual(Object.keys(configMap.data as object), ['RAILS_ENV', 'FOO', 'GREETING', 'BANNER', 'PRICE_NOTE', 'RAILS_LOG_TO_STDOUT']);
      for (const key of BASIC_SECRETS) for (const file of result.files) assert.ok(!file.content.includes(input.env[key]), `${key}'s value in ${file.name}`);
      assert.ok(result.warnings.some((w) => /DATABASE_URL, SECRET_KEY_BASE look like secrets/.test(w)), result.warnings.join('\n'));
    });

    it('-a "My App": names are lowercase DNS labels (my-app-web-app, containers web-app, worker-2)', () => {
      const input = inputFor(VARIANTS[1], 'kubernetes', { app: 'My App' });
      const result = exportFormation('kubernetes', input);
      const objects = checkKubernetesExport(result.files, input, scriptOf, []);
      assert.deepEqual([...objects.keys()], ['Deployment/my-app-web-app', 'Deployment/my-app-worker-2', 'Deployment/my-app-api', 'ConfigMap/my-app-env']);
      for (const object of objects.values()) {
        if (object.kind !== 'Deployment') continue;
        const [container] = (object.spec as { template: { spec: { containers: { name: string }[] } } }).template.spec.containers;
        assert.match(container.name, DNS1123_LABEL);
      }
    });

    it('collide: web_app and web-app both become web-app: an ExportError naming both', () => {
      const input = inputFor(VARIANTS[2], 'kubernetes');
      assert.throws(
        () => exportFormation('kubernetes', input),
        (error: unknown) => error instanceof ExportError && /"web_app"/.test(error.message) && /"web-app"/.test(error.message),
      );
    });
  });

  describe('behaviour across formats', () => {
    const basic = VARIANTS[0];

    it('a type at 0: no unit or program (a comment and a warning instead); replicas 0 for compose and kubernetes', () => {
      const systemd = exportFormation('systemd', inputFor(basic, 'systemd'));
      assert.ok(!systemd.files.some((f) => f.name.includes('release')), systemd.files.map((f) => f.name).join(', '));
      assert.match(fileOf(systemd, 'basic.target').content, /^# scaled to 0, not exported: release$/m);
      assert.deepEqual(systemd.warnings, ['scaled to 0, so no unit is exported for: release']);

      const supervisord = exportFormation('supervisord', inputFor(basic, 'supervisord'));
      assert.doesNotMatch(fileOf(supervisord, 'basic.conf').content, /\[program:basic-release\]/);
      assert.match(fileOf(supervisord, 'basic.conf').content, /^; scaled to 0, not exported: release$/m);
      assert.ok(supervisord.warnings.some((w) => /scaled to 0.*release/.test(w)), supervisord.warnings.join('\n'));

      const compose = exportFormation('compose', inputFor(basic, 'compose'));
      const services = (parseYaml(fileOf(compose, 'compose.yaml').content) as { services: Record<string, { deploy: { replicas: number } }> }).services;
      assert.deepEqual(services.release.deploy, { replicas: 0 });
      assert.deepEqual(services.web.deploy, { replicas: 2 });
      assert.ok(compose.warnings.includes('scaled to 0 (deploy.replicas: 0): release'), compose.warnings.join('\n'));

      const kubernetes = exportFormation('kubernetes', inputFor(basic, 'kubernetes'));
      const release = kubernetesDocuments(fileOf(kubernetes, 'basic.yaml').content).find((d) => (d.metadata as { name: string }).name === 'basic-release');
      // Heroku's release type is a one-off: a Job, suspended at 0 (a Deployment would restart it forever).
      assert.equal(release?.kind, 'Job');
      assert.equal((release?.spec as { suspend: boolean }).suspend, true);
      assert.ok(kubernetes.warnings.includes('scaled to 0 (replicas: 0): release'), kubernetes.warnings.join('\n'));
    });

    it('PORT rule in systemd units: base + 100 × slot + index − 1 (-p 6000: Web_App.1 6000, worker-2.1–3 6100–6102)', () => {
      const result = exportFormation('systemd', inputFor(VARIANTS[1], 'systemd'));
      const ports = Object.fromEntries(
        result.files.filter((f) => f.name.endsWith('.service')).map((f) => [f.name, unitValues(readUnit(f.content), 'Service', 'Environment')[0]]),
      );
      assert.deepEqual(ports, {
        'names-Web_App.1.service': 'PORT=6000 PS=Web_App.1',
        'names-worker-2.1.service': 'PORT=6100 PS=worker-2.1',
        'names-worker-2.2.service': 'PORT=6101 PS=worker-2.2',
        'names-worker-2.3.service': 'PORT=6102 PS=worker-2.3',
      });
    });

    it('the stop timeout: TimeoutStopSec, stopwaitsecs, stop_grace_period, terminationGracePeriodSeconds', () => {
      const input = (format: ExportFormat) => inputFor(basic, format, { stopTimeoutS: 7.5 });
      assert.match(fileOf(exportFormation('systemd', input('systemd')), 'basic-web.1.service').content, /^TimeoutStopSec=7\.5$/m);
      assert.match(fileOf(exportFormation('supervisord', input('supervisord')), 'basic.conf').content, /^stopwaitsecs=8$/m); // whole seconds only: rounded up
      assert.match(fileOf(exportFormation('compose', input('compose')), 'compose.yaml').content, /^ {4}stop_grace_period: 7\.5s$/m);
      assert.match(fileOf(exportFormation('kubernetes', input('kubernetes')), 'basic.yaml').content, /^ {6}terminationGracePeriodSeconds: 8$/m);
    });

    it('--image replaces build: . (compose) and APP:latest (kubernetes)', () => {
      const withImage = exportFormation('compose', inputFor(basic, 'compose', { image: 'ghcr.io/acme/basic:2' }));
      const services = Object.values((parseYaml(fileOf(withImage, 'compose.yaml').content) as { services: Record<string, Record<string, unknown>> }).services);
      assert.ok(services.every((s) => s.image === 'ghcr.io/acme/basic:2' && !('build' in s)));
      assert.ok(!withImage.warnings.some((w) => /--image/.test(w)), withImage.warnings.join('\n'));
      const without = exportFormation('compose', inputFor(basic, 'compose'));
      const built = Object.values((parseYaml(fileOf(without, 'compose.yaml').content) as { services: Record<string, Record<string, unknown>> }).services);
      assert.ok(built.every((s) => s.build === '.' && s.image === 'basic:latest'));
      const kubernetes = exportFormation('kubernetes', inputFor(basic, 'kubernetes', { image: 'ghcr.io/acme/basic:2' }));
      assert.doesNotMatch(fileOf(kubernetes, 'basic.yaml').content, /basic:latest/);
      assert.equal((fileOf(kubernetes, 'basic.yaml').content.match(/^ {10}image: ghcr\.io\/acme\/basic:2$/gm) ?? []).length, 5);
    });

    it('env values with spaces, newlines, quotes, $ and % read back exactly in every env file format', () => {
      const env = { SPACES: 'a  b ', NEWLINES: 'x\ny\r\nz', QUOTES: `it's "quoted"`, DOLLAR: '$HOME ${X} $$ \\$', PERCENT: '100% %(x)s %%', BACKSLASH: 'a\\b\\nc', HASH: 'a #b', EMPTY: '' };
      const input = (format: ExportFormat) => inputFor(basic, format, { env });
      assert.deepEqual(parseSystemdEnvFile(fileOf(exportFormation('systemd', input('systemd')), 'basic.env').content), env, 'systemd');
      assert.deepEqual(parseComposeEnvFile(fileOf(exportFormation('compose', input('compose')), 'basic.env').content), env, 'compose');
      const [configMap] = kubernetesDocuments(fileOf(exportFormation('kubernetes', input('kubernetes')), 'basic-env.yaml').content);
      assert.deepEqual(configMap.data, env, 'kubernetes');
    });

    it('env values through /bin/sh: the supervisord env file sourced with set -a gives them back exactly', async () => {
      const dir = tempDir();
      const env = { SPACES: 'a  b ', NEWLINES: 'x\ny\r\nz', QUOTES: `it's "quoted"`, DOLLAR: '$HOME ${X} $(id) `id`', PERCENT: '100% %%', BACKSLASH: 'a\\b\\nc', EMPTY: '' };
      const input = inputFor(basic, 'supervisord', { env, root: dir, outputDir: dir });
      const result = exportFormation('supervisord', input);
      writeFiles(dir, result.files);
      await checkSupervisordEnvironment(readSupervisord(fileOf(result, 'basic.conf').content, dir), input);
    });
  });

  describe('exporter bugs found in review (each states the right output; fails until src/core/exportFormation.ts is fixed)', () => {
    const basic = VARIANTS[0];

    it('systemd: PORT in .env must not override each unit’s PORT (EnvironmentFile= wins over Environment=)', () => {
      // Foreman's own rule, which `formation export` applies: PORT=3000 in .env is the base port.
      const env = { ...loadFixture('basic').env, PORT: '3000' };
      const input = inputFor(basic, 'systemd', { env, basePort: choosePortBase(undefined, env.PORT, undefined) });
      const result = exportFormation('systemd', input);
      const fromFile = parseSystemdEnvFile(fileOf(result, 'basic.env').content);
      const effective = (name: string) => {
        const entries = readUnit(fileOf(result, name).content);
        const assigned = Object.fromEntries(unitValues(entries, 'Service', 'Environment').flatMap((v) => v.split(' ')).map((a) => a.split('=')));
        // systemd.exec(5), EnvironmentFile=: "Settings from these files override settings made with Environment=".
        return { ...assigned, ...fromFile }.PORT;
      };
      assert.deepEqual(['basic-web.1.service', 'basic-web.2.service', 'basic-worker.1.service'].map(effective), ['3000', '3001', '3100']);
    });

    it('compose: build must point at the app folder when compose.yaml is written elsewhere (build: . is the output folder)', () => {
      const input = inputFor(basic, 'compose', { root: '/srv/app', outputDir: '/srv/app/deploy' });
      const result = exportFormation('compose', input);
      const services = (parseYaml(fileOf(result, 'compose.yaml').content) as { services: Record<string, { build: string }> }).services;
      // Compose resolves build: (and env_file:) against the compose file's folder.
      for (const [name, service] of Object.entries(services)) assert.equal(join('/srv/app/deploy', service.build), '/srv/app', `service ${name} builds ${join('/srv/app/deploy', service.build)}`);
    });

    it('kubernetes: a ConfigMap value such as "yes" or "on" must stay a string for kubectl (YAML 1.1)', () => {
      const env = { RAILS_SERVE_STATIC_FILES: 'yes', FORCE_SSL: 'on' };
      const result = exportFormation('kubernetes', inputFor(basic, 'kubernetes', { env }));
      const [configMap] = kubernetesDocuments(fileOf(result, 'basic-env.yaml').content);
      assert.deepEqual(configMap.data, env, 'as kubectl decodes basic-env.yaml');
      validateKubernetesObject(configMap);
    });

    it('kubernetes: $$ in a command must survive Kubernetes’ $(VAR) expansion (it turns $$ into $)', () => {
      const { types } = loadFixture('basic');
      const withPid = types.map((t) => (t.name === 'worker' ? { ...t, command: 'bundle exec sidekiq -P tmp/pids/sidekiq.$$.pid' } : t));
      const result = exportFormation('kubernetes', inputFor(basic, 'kubernetes', { types: withPid }));
      const worker = kubernetesDocuments(fileOf(result, 'basic.yaml').content).find((d) => (d.metadata as { name: string }).name === 'basic-worker');
      const [container] = (worker?.spec as { template: { spec: { containers: { command: string[] }[] } } }).template.spec.containers;
      assert.equal(kubernetesExpand(container.command[2], { PORT: '5100' }), 'exec bundle exec sidekiq -P tmp/pids/sidekiq.$$.pid');
    });

    it('kubernetes: an app name starting with a digit (folder 2048-game) must still give a valid Service name', () => {
      const result = exportFormation('kubernetes', inputFor(basic, 'kubernetes', { app: '2048-game' }));
      for (const doc of kubernetesDocuments(fileOf(result, 'app-2048-game.yaml').content)) validateKubernetesObject(doc);
    });

    it('supervisord: a command with " ;" or " #" must not be cut by supervisord’s inline comments', () => {
      const { types } = loadFixture('basic');
      const commands = types.map((t) => (t.name === 'clock' ? { ...t, command: 'cd lib ; exec bundle exec clockwork clock.rb # every minute' } : t));
      const input = inputFor(basic, 'supervisord', { types: commands });
      const result = exportFormation('supervisord', input);
      const clock = readSupervisord(fileOf(result, 'basic.conf').content, OUTPUT_ON_TARGET).get('basic-clock');
      assert.ok(clock);
      assert.ok(clock.processes[0].argv[2].endsWith('; exec 2>&1; cd lib ; exec bundle exec clockwork clock.rb # every minute'), clock.options.command);
    });

    it('compose: an env value ending in a backslash must read back (Compose takes \\\' as an escaped quote)', () => {
      const env = { WINDOWS_SHARE: 'C:\\app\\' };
      const result = exportFormation('compose', inputFor(basic, 'compose', { env }));
      assert.deepEqual(parseComposeEnvFile(fileOf(result, 'basic.env').content), env);
    });
  });
});

/** Checks the config with supervisord's own reader (supervisor.options.ServerOptions) when supervisord is installed. */
async function checkWithSupervisord(dir: string, conf: string, programs: Map<string, SupervisordProgram>): Promise<void> {
  const supervisord = which('supervisord');
  if (supervisord === undefined) return; // Optional: CI does not install supervisor; the python3 check above stands in.
  const shebang = /^#!\s*(\S+)/.exec(readFileSync(supervisord, 'utf8').split('\n')[0])?.[1];
  if (shebang === undefined) return;
  const main = join(dir, 'supervisord.conf');
  writeFileSync(main, `[supervisord]\nlogfile=${join(dir, 'supervisord.log')}\npidfile=${join(dir, 'supervisord.pid')}\n\n[include]\nfiles = ${conf}\n`);
  const ran = await runBounded(shebang, ['-c', SUPERVISORD_OWN_READER, main], { timeoutMs: 20_000 });
  assert.equal(ran.code, 0, `supervisord rejects the config:\n${ran.stderr}`);
  const own = JSON.parse(ran.stdout) as Record<string, { argv: string[]; directory: string }>;
  const expected = Object.fromEntries([...programs.values()].flatMap((p) => p.processes.map((proc) => [proc.name, { argv: proc.argv, directory: proc.directory }])));
  assert.deepEqual(Object.fromEntries(Object.entries(own).map(([name, p]) => [name, { argv: p.argv, directory: p.directory }])), expected, 'supervisord reads the config as the test does');
}
