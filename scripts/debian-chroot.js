'use strict';
// The Debian 13 (trixie) chroot that gives a Debian 12 host a Wine new enough for Node 24 and later
// (Wine 8.0 aborts them at start). Created once from Debian's packages under the rig's cache folder,
// then reused. Only Wine runs in it: the MinGW build stays on the host, and Windows programs under the
// chroot's Wine see the host's files on drive Z: at the same paths as under the host's Wine.
const fs = require('fs');
const path = require('path');
const rig = require('./rig-paths');

const SUITE = 'trixie';
const PACKAGES = [
  'wine',
  'wine64',
  // /bin/kill: tests freeze a Wine process with `start.exe /unix /bin/kill -STOP`, which runs in here.
  'procps',
];
// Where the host's root is inside the chroot, and so what the chroot's Wine maps drive Z: to.
const HOST_ROOT = '/host';
// Wine 10 warns at every start unless XDG_RUNTIME_DIR names a folder only its user can read.
const RUNTIME_DIR = '/run/user/0';

// Enters the chroot: runs in a mount namespace of its own (unshare), so its mounts exist for its
// processes only and vanish with the last of them, however they end (failure, Ctrl-C, SIGKILL). The
// host never sees them: nothing is left to unmount, and deleting the chroot can never reach through a
// leftover bind mount into the host's files.
const ENTER_SCRIPT = `set -e
root=$1; shift
cwd=$(pwd -P)
mount --rbind / "$root${HOST_ROOT}"
for dir in proc dev sys; do mount --rbind "/$dir" "$root/$dir"; done
exec chroot "$root" /usr/bin/env --chdir="${HOST_ROOT}$cwd" "$@"`;

function enterCommand(root, program, args) {
  return {
    command: 'unshare',
    args: ['--mount', '--propagation', 'private', 'sh', '-c', ENTER_SCRIPT, 'enter-chroot', root, program, ...args],
  };
}

// A command run inside the chroot, in the folder that is the caller's working folder on the host.
function command(program, args) {
  if (!isReady()) {
    throw new Error(`the Debian 13 chroot is not set up at ${rig.chrootDir}: run "node scripts/setup-rig.js"`);
  }
  return enterCommand(rig.chrootDir, program, args);
}

function isReady() {
  return fs.existsSync(rig.chrootDir);
}

// The path a host path has inside the chroot.
function insidePath(hostPath) {
  return path.join(HOST_ROOT, hostPath);
}

// The host's apt sources of type deb, as { uri, suites }, from one-line (.list) and deb822 (.sources) files.
function hostAptSources() {
  const dir = '/etc/apt/sources.list.d';
  const files = ['/etc/apt/sources.list'].concat(
    fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => path.join(dir, f)) : [],
  );
  const sources = [];
  for (const file of files.filter((f) => fs.existsSync(f))) {
    const text = fs.readFileSync(file, 'utf8');
    if (file.endsWith('.list')) {
      for (const line of text.split('\n')) {
        const words = line
          .replace(/\[[^\]]*\]/, '')
          .trim()
          .split(/\s+/); // without its [options]
        if (words[0] === 'deb') sources.push({ uri: words[1], suites: [words[2]] });
      }
    } else if (file.endsWith('.sources')) {
      for (const stanza of text.split(/\n\s*\n/)) {
        const field = (name) => (new RegExp(`^${name}:[ \\t]*(.*)$`, 'mi').exec(stanza) || [])[1] || '';
        if (field('Types').split(/\s+/).includes('deb') && field('Enabled') !== 'no') {
          sources.push({ uri: field('URIs').split(/\s+/)[0], suites: field('Suites').split(/\s+/) });
        }
      }
    }
  }
  return sources;
}

// The Debian mirror the host's apt uses: the URI of a source of the host's own release.
function hostDebianMirror() {
  const codename = (/^VERSION_CODENAME=(\S+)$/m.exec(fs.readFileSync('/etc/os-release', 'utf8')) || [])[1];
  const source = hostAptSources().find((s) => s.suites.includes(codename));
  if (!source) {
    throw new Error(
      `found no Debian mirror for ${codename} in /etc/apt/sources.list or /etc/apt/sources.list.d: ` +
        'the Debian 13 chroot is installed from the mirror the host uses, so add one there',
    );
  }
  return source.uri;
}

// Mount points at or under `dir` in this (the host's) mount namespace.
function mountsUnder(dir) {
  return fs
    .readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((mountPoint) => mountPoint && (mountPoint === dir || mountPoint.startsWith(`${dir}/`)));
}

// Creates the chroot when missing: debootstrap into a folder of its own, Wine installed inside, then
// renamed into place, so an interrupted set-up is started over rather than half reused.
// `run(command, args, options)` runs a command to completion or throws; `log` reports progress.
function ensure({ run, log }) {
  if (isReady()) return;
  if (!process.getuid || process.getuid() !== 0) {
    throw new Error(
      'creating the Debian 13 chroot for Wine 10 needs root (debootstrap, chroot, mounts): run as root, ' +
        'or install Wine 10 or later as the system Wine',
    );
  }
  const partial = `${rig.chrootDir}.partial`;
  const leftovers = mountsUnder(partial);
  if (leftovers.length > 0) {
    throw new Error(
      `${leftovers.join(', ')} is still mounted inside the unfinished chroot: unmount it (umount -R), then run again`,
    );
  }
  fs.rmSync(partial, { recursive: true, force: true });
  const mirror = hostDebianMirror();
  log(`creating a Debian 13 chroot at ${rig.chrootDir} (debootstrap ${SUITE} from ${mirror})`);
  // In a mount namespace of its own, so the /proc and /sys debootstrap mounts go away even if it is interrupted.
  run('unshare', ['--mount', '--propagation', 'private', 'debootstrap', '--variant=minbase', SUITE, partial, mirror]);
  fs.mkdirSync(path.join(partial, HOST_ROOT.slice(1)));
  fs.mkdirSync(path.join(partial, RUNTIME_DIR.slice(1)), { recursive: true, mode: 0o700 });
  log(`installing ${PACKAGES.join(' ')} in the chroot`);
  const env = Object.assign({}, process.env, { DEBIAN_FRONTEND: 'noninteractive' });
  const inside = (program, args) => {
    const { command: unshare, args: unshareArgs } = enterCommand(partial, program, args);
    run(unshare, unshareArgs, { env });
  };
  inside('apt-get', ['update', '-qq']);
  inside('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...PACKAGES]);
  inside('apt-get', ['clean']);
  fs.renameSync(partial, rig.chrootDir);
}

module.exports = { ensure, command, isReady, insidePath, HOST_ROOT, RUNTIME_DIR };
