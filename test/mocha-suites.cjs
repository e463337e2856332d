/**
 * The test suites' mocha settings, for the .mocharc.cjs files: `mocha` alone runs the unit suite
 * (never the integration suite, which starts the lab), `--config test/integration/.mocharc.cjs`
 * the integration suite. Test files named on the command line replace the suite's spec instead of
 * being added to it (mocha concatenates them with a configured spec and would run everything);
 * named files under test/integration/ get the integration suite's settings (its root hooks start
 * the lab) even under the root config.
 */
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const COMMON = {
  'node-option': ['import=./node_modules/tsx/dist/loader.mjs', 'enable-source-maps'],
  // Failures and a summary; `--reporter spec` lists every test.
  reporter: 'dot',
};
const SUITES = {
  unit: {
    ...COMMON,
    require: ['test/temporal-isolation.ts', 'test/unit/harness/quiet-logs.ts'],
    spec: ['test/unit/**/*.test.ts'],
    timeout: 20_000,
  },
  integration: {
    ...COMMON,
    require: ['test/temporal-isolation.ts', 'test/integration/harness/root-hooks.ts'],
    spec: ['test/integration/**/*.test.ts'],
    timeout: 180_000,
    exit: true,
  },
};
/** Options whose value is a path that is not a test file to run. */
const PATH_VALUED = new Set(['--config', '--require', '-r', '--file', '--ignore', '--exclude', '--extension']);

/** The test files (or directories, globs) named on mocha's command line. */
function namedTests(argv) {
  const named = [];
  for (let i = 0; i < argv.length; i++) {
    if (PATH_VALUED.has(argv[i])) i++;
    else if (argv[i] === '--spec') named.push(argv[++i]);
    else if (!argv[i].startsWith('-') && /^test[\\/]/.test(path.relative(ROOT, path.resolve(argv[i]))))
      named.push(argv[i]);
  }
  return named;
}

/** `suite`: 'unit' or 'integration'; without one, by the files named (unit if none). */
function mochaConfig(suite) {
  const named = namedTests(process.argv.slice(2));
  const integration = named.some((f) => /^test[\\/]integration[\\/]/.test(path.relative(ROOT, path.resolve(f))));
  const { spec, ...settings } = SUITES[suite ?? (integration ? 'integration' : 'unit')];
  return named.length ? settings : { ...settings, spec };
}

module.exports = { mochaConfig };
