import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The conformance run on a machine without QEMU, as a user who cannot install it (not root): the
 * installer says what is missing and how to install it, and exits 2 — the code the run passes on for
 * a missing package. QEMU is hidden by a PATH holding only the tools the installer needs to find out.
 */
describe('the conformance run where QEMU is missing and cannot be installed', () => {
  it('the installer names what is missing and exits 2', () => {
    const bin = mkdtempSync(join(tmpdir(), 'no-qemu-'));
    chmodSync(bin, 0o755);
    try {
      for (const tool of ['bash', 'id', 'dpkg-query', 'sed', 'head', 'grep'])
        symlinkSync(`/usr/bin/${tool}`, join(bin, tool));
      // A copy the user nobody can read, wherever the project was cloned.
      const script = join(bin, 'install.sh');
      copyFileSync(join(__dirname, 'install.sh'), script);
      chmodSync(script, 0o644);
      // As root the installer would install; run it as nobody, who cannot.
      const asUser =
        process.getuid?.() === 0 ? ['/usr/bin/setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'] : [];
      const [command, ...args] = [...asUser, '/usr/bin/bash', script];
      const run = spawnSync(command as string, args, { env: { PATH: bin }, encoding: 'utf8' });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(
        /^test\/conformance\/install: missing: qemu-system-arm\/cpio\/xz-utils.*run as root: bash test\/conformance\/install.sh\n$/,
      );
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
