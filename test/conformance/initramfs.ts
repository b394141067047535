import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

/** The guest's busybox, from Debian's busybox-static:arm64. */
const BUSYBOX = '/bin/busybox';

/** The modules the guest loads: the virtio-mem driver and the PCI transport it sits on (if modular). */
const WANTED = ['virtio_pci', 'virtio_mem'];

/**
 * The modules to load, dependencies first, as modules.dep lists them (each line `path: deps…`, the
 * deps in the order modprobe loads them last-to-first). Modules built into the kernel are absent.
 */
export function loadOrder(modulesDep: string, wanted: readonly string[]): string[] {
  const deps = new Map<string, string[]>();
  for (const line of modulesDep.split('\n')) {
    const [path, rest] = line.split(':');
    if (!path || rest === undefined) continue;
    deps.set(path, rest.trim() === '' ? [] : rest.trim().split(/\s+/));
  }
  const nameOf = (path: string): string => basename(path).replace(/\.ko(\.xz|\.zst|\.gz)?$/, '');
  const byName = new Map([...deps.keys()].map((p) => [nameOf(p), p]));
  const order: string[] = [];
  const visit = (path: string): void => {
    if (order.includes(path)) return;
    for (const d of [...(deps.get(path) ?? [])].reverse()) visit(d);
    order.push(path);
  };
  for (const name of wanted) {
    const path = byName.get(name);
    if (path) visit(path);
  }
  return order;
}

/**
 * The guest's /init: mounts proc and sys, loads the modules, prints the VMCOREINFO note (from the head
 * of /proc/kcore, where the kernel puts it) and then reads commands from the console.
 */
const INIT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
for m in $(cat /modules.order); do insmod "/modules/$m" || echo "CONFORMANCE insmod-failed $m"; done
head -c 262144 /proc/kcore | strings | grep -E '^(OSRELEASE|PAGESIZE|SYMBOL|NUMBER|OFFSET|SIZE|LENGTH|KERNELOFFSET)' | sed 's/^/VMCOREINFO /'
echo "CONFORMANCE vmcoreinfo-note $(cat /sys/kernel/vmcoreinfo 2>/dev/null)"
echo "CONFORMANCE ready"
exec sh
`;

/**
 * Builds an initramfs (newc cpio) for a kernel release from busybox and that kernel's modules,
 * decompressing xz modules, in dir; returns its path.
 */
export function buildInitramfs(release: string, dir: string): string {
  const modules = `/usr/lib/modules/${release}`;
  const root = join(dir, 'root');
  for (const d of ['bin', 'proc', 'sys', 'dev', 'modules']) mkdirSync(join(root, d), { recursive: true });
  copyFileSync(BUSYBOX, join(root, 'bin/busybox'));
  chmodSync(join(root, 'bin/busybox'), 0o755);
  const order = loadOrder(readFileSync(join(modules, 'modules.dep'), 'utf8'), WANTED);
  const names: string[] = [];
  for (const path of order) {
    const name = basename(path).replace(/\.xz$/, '');
    const target = join(root, 'modules', name);
    if (path.endsWith('.xz')) writeFileSync(target, execFileSync('xz', ['-dc', join(modules, path)]));
    else copyFileSync(join(modules, path), target);
    names.push(name);
  }
  writeFileSync(join(root, 'modules.order'), `${names.join('\n')}\n`);
  writeFileSync(join(root, 'init'), INIT, { mode: 0o755 });
  const out = join(dir, 'initramfs.cpio');
  execFileSync('sh', ['-c', `cd "${root}" && find . | cpio -o -H newc --quiet > "${out}"`]);
  if (!existsSync(out)) throw new Error(`initramfs: cpio wrote nothing at ${out}`);
  return out;
}
