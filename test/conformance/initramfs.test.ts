import assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { describe, it } from 'vitest';
import { loadOrder } from './initramfs';

/** modules.dep lines as Debian's 6.1 arm64 package has them for the virtio-mem guest. */
const DEBIAN_61 = [
  'kernel/drivers/virtio/virtio_pci_modern_dev.ko:',
  'kernel/drivers/virtio/virtio_pci_legacy_dev.ko:',
  'kernel/drivers/virtio/virtio_pci.ko: kernel/drivers/virtio/virtio_pci_legacy_dev.ko kernel/drivers/virtio/virtio_pci_modern_dev.ko',
  'kernel/drivers/virtio/virtio_mem.ko:',
].join('\n');

/** A random dependency graph without cycles: module i may depend only on modules below i. */
const graphArb = fc
  .integer({ min: 1, max: 12 })
  .chain((n) =>
    fc.tuple(
      fc.constant(n),
      fc.array(fc.subarray([...Array(n).keys()]), { minLength: n, maxLength: n }),
      fc.subarray([...Array(n).keys()], { minLength: 1 }),
    ),
  );

describe('the modules the guest loads', () => {
  it('are the wanted ones and their dependencies, each after everything it depends on, each once', () => {
    fc.assert(
      fc.property(graphArb, ([n, deps, wanted]) => {
        const path = (i: number): string => `kernel/m${i}.ko.xz`;
        const dep = [...Array(n).keys()]
          .map(
            (i) =>
              `${path(i)}: ${(deps[i] ?? [])
                .filter((d) => d < i)
                .map(path)
                .join(' ')}`,
          )
          .join('\n');
        const order = loadOrder(
          dep,
          wanted.map((i) => `m${i}`),
        );
        assert.equal(new Set(order).size, order.length);
        for (const [at, p] of order.entries()) {
          const i = Number(/m(\d+)/.exec(p)?.[1]);
          for (const d of (deps[i] ?? []).filter((x) => x < i))
            assert.ok(order.indexOf(path(d)) < at, `${path(d)} is not loaded before ${p}`);
        }
        for (const w of wanted) assert.ok(order.includes(path(w)), String(order));
      }),
    );
  });

  it('on Debian 6.1: the PCI transport after both of its libraries, virtio-mem on its own', () => {
    const order = loadOrder(DEBIAN_61, ['virtio_pci', 'virtio_mem']);
    const at = (name: string): number => order.indexOf(`kernel/drivers/virtio/${name}.ko`);
    assert.ok(at('virtio_pci') > Math.max(at('virtio_pci_legacy_dev'), at('virtio_pci_modern_dev')), String(order));
    assert.equal(order.length, 4);
  });

  it('a module built into the kernel (absent from modules.dep) is not loaded', () => {
    assert.deepEqual(loadOrder('kernel/drivers/virtio/virtio_mem.ko.xz:', ['virtio_pci', 'virtio_mem']), [
      'kernel/drivers/virtio/virtio_mem.ko.xz',
    ]);
  });
});
