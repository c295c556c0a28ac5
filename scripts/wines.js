'use strict';
// The Wines the rig runs Windows node under, and which one runs which Node: the system Wine where it
// can start that Node, else Wine 10 from the Debian 13 chroot (scripts/debian-chroot.js). Each Wine has
// a prefix of its own. Both show Windows programs the host's files at the same Z: paths, so callers pass
// Windows paths (wine-node.js toWindowsPath) and need not care which Wine runs them.
const { spawnSync } = require('child_process');
const rig = require('./rig-paths');
const chroot = require('./debian-chroot');
const { runChecked } = require('./run-checked');

// Node 24 and later abort at start under Wine 8.0 ("Fatal process out of memory:
// SegmentedTable::InitializeTable"); Wine 10.0 runs them. No Wine in between was tried.
function wineMajorNeeded(nodeVersion) {
  return Number(nodeVersion.split('.')[0]) >= 24 ? 10 : 0;
}

// A Wine: `command(program, args)` says how to run one of its programs (wine, wineboot, wineserver) with
// the host's working folder, `env(extra)` the environment to run it in, `prefix` where its prefix is on
// the host and `hostRoot` the folder its drive Z: maps to (the host's root as that Wine sees it).
function describeWine(wine, where) {
  let version = null;
  return Object.assign(wine, {
    // Runs a program of this Wine to completion; throws unless it exits 0 (run-checked.js).
    run(program, args, options = {}) {
      const { command, args: commandArgs } = wine.command(program, args);
      return runChecked(command, commandArgs, Object.assign({}, options, { env: wine.env(options.env) }));
    },
    // Runs a program of this Wine to completion and returns spawnSync's result, whatever its exit status.
    /**
     * @param {string} program
     * @param {string[]} args
     * @param {Omit<import('child_process').SpawnSyncOptionsWithStringEncoding, 'encoding'>} [options]
     */
    spawnSync(program, args, options = {}) {
      const { command, args: commandArgs } = wine.command(program, args);
      return spawnSync(command, commandArgs, { ...options, encoding: 'utf8', env: wine.env(options.env) });
    },
    // 'wine-10.0 (Debian 10.0~repack-6)', or null while it does not run (asked again then: the system
    // Wine may be installed later in the same run).
    version() {
      if (version === null) {
        const result = wine.spawnSync('wine', ['--version']);
        if (result.status === 0) version = result.stdout.trim();
      }
      return version;
    },
    major() {
      const match = /^wine-(\d+)\./.exec(wine.version() || '');
      return match ? Number(match[1]) : 0;
    },
    // 'wine-10.0 (Debian 10.0~repack-6), Debian 13 chroot', or null while it does not run: what results
    // files record (scripts/run-record.js, through VSE_WINE_VERSION).
    description() {
      return wine.version() === null ? null : `${wine.version()}, ${where}`;
    },
    // 'Wine 10.0 (Debian 13 chroot)'
    name() {
      return `${(wine.version() || 'wine').replace(/^wine-/, 'Wine ').replace(/ \(.*\)$/, '')} (${where})`;
    },
  });
}

const systemWine = describeWine(
  {
    prefix: rig.winePrefix,
    hostRoot: '/',
    command: (program, args) => ({ command: program, args }),
    env: (extra) => rig.wineEnv(extra),
  },
  'system',
);

const chrootWine = describeWine(
  {
    prefix: rig.chrootWinePrefix,
    hostRoot: chroot.HOST_ROOT,
    command: chroot.command,
    env: (extra) =>
      rig.wineEnv(
        Object.assign(
          {
            WINEPREFIX: chroot.insidePath(rig.chrootWinePrefix),
            XDG_RUNTIME_DIR: chroot.RUNTIME_DIR,
          },
          extra,
        ),
      ),
  },
  'Debian 13 chroot',
);

// The Wine that runs Windows node `nodeVersion`.
function wineFor(nodeVersion) {
  return systemWine.major() >= wineMajorNeeded(nodeVersion) ? systemWine : chrootWine;
}

module.exports = { wineFor, chrootWine };
