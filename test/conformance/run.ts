import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { hex64, type Kva, kvaHex, physHex, toKva } from '../../src/arch/address';
import { type Geometry, geometry } from '../../src/arch/geometry';
import { layout } from '../../src/arch/layout';
import { disagreementText } from '../../src/conformance/compare';
import {
  layoutDisagreements,
  type Observation,
  predict,
  recordingName,
  recordRuns,
  type StageVerdict,
} from '../../src/conformance/observation';
import { formatTables, type SeenTable, tablesOver } from '../../src/conformance/tables';
import { RamImage } from '../../src/memory/ram-image';
import { ptdump } from '../../src/present/ptdump';
import { walk } from '../../src/tables/walker';
import { readSysreg } from './gdb';
import { buildInitramfs } from './initramfs';
import { Qmp } from './qmp';

/*
 * The conformance run: boots a Debian arm64 kernel under QEMU (TCG, -M virt, nokaslr) with a
 * virtio-mem device, plugs and unplugs memory over QMP, and at each stage stops the vCPU, saves the
 * table pages it needs (pmemsave) and walks the kernel's own tables with the model's walker and
 * ptdump printer over that RAM image; then runs the model in the kernel's era through the same plugs
 * (src/conformance) and compares, stage by stage. TTBR1_EL1 is read once, at boot, through QEMU's
 * gdbstub.
 */
const USAGE = `Usage: npm run conformance -- [--kernel 6.1|6.12|6.12-16k] [--cpu cortex-a57|max|max,lpa2=off]
         [--placement near|far|both] [--far-gib 513] [--boot-mib 512] [--region-mib 1024]
         [--out report.json] [--record dir] [--keep]
       npm run conformance -- --all

Boots the kernel under QEMU, hot-plugs memory with virtio-mem, reads the kernel's page tables at each
stage and compares them with the model's in the kernel's era. A run with the default machine and plugs
records what the kernel showed in features/data/real-kernels/ (what npm test reads). --all runs every
kernel on every CPU QEMU offers it, one after the other.

Exit 0 when the model agrees at every stage, 1 on a disagreement, a changed answer from the kernel or
any other failure, 2 on bad options or when QEMU or a package is missing and cannot be installed.`;

/** Every kernel on every CPU QEMU offers it: what --all runs (and CI). */
const ALL_RUNS: readonly (readonly [string, string])[] = [
  ['6.1', 'cortex-a57'],
  ['6.12', 'cortex-a57'],
  ['6.12', 'max'],
  ['6.12', 'max,lpa2=off'],
  ['6.12-16k', 'max'],
  ['6.12-16k', 'max,lpa2=off'],
];

const MiB = 2 ** 20;
const U64 = 1n << 64n;
/**
 * How long the guest may stay silent before the run calls it hung: a boot, a plug or a command. It
 * detects a hang, not a slow machine: TCG on a loaded 2-core machine boots in under 30 s.
 */
const HANG_MS = 600_000;

/** The kernels the run boots: the Debian meta package naming each, and the era the model runs it in. */
const KERNELS: Record<string, { readonly meta: string; readonly era: string }> = {
  '6.1': { meta: 'linux-image-arm64', era: 'v6.1' },
  '6.12': { meta: 'linux-image-6.12-arm64', era: 'v6.12' },
  '6.12-16k': { meta: 'linux-image-6.12-arm64-16k', era: 'v6.12' },
};
/** QEMU CPUs: no LPA2 and no 16K granule; LPA2 and every granule; the same without LPA2 (run-time fallback). */
const CPUS = ['cortex-a57', 'max', 'max,lpa2=off'];

interface Options {
  readonly kernel: string;
  readonly cpu: string;
  readonly keep: boolean;
  readonly out?: string;
  /** Boot RAM and the virtio-mem region, in MiB. */
  readonly bootMiB: number;
  readonly regionMiB: number;
  /** The virtio-mem devices: next to boot RAM (QEMU places it) and/or far away at farAddr. */
  readonly placements: readonly ('near' | 'far')[];
  readonly farAddr: number;
  /** A folder to record a few table pages of the first plug in (the unit test's snapshot). */
  readonly record?: string;
}

/**
 * The far placement: 513 GiB, so that with boot RAM at 1 GiB (PHYS_OFFSET) its linear map starts
 * 512 GiB above PAGE_OFFSET, in a PGD entry of its own on 4K/48.
 */
const FAR_GIB = 513;
/** Boot RAM and the virtio-mem region of the recorded runs, in MiB. */
const DEFAULTS = { bootMiB: 512, regionMiB: 1024 };

class UsageError extends Error {}

function placementsOf(v: string): Options['placements'] {
  if (v === 'both') return ['near', 'far'];
  if (v === 'near' || v === 'far') return [v];
  throw new UsageError(`--placement must be near, far or both (got ${v})`);
}
/** QEMU or a package is missing and cannot be installed (exit 2). */
class MissingError extends Error {}

function parseArgs(argv: readonly string[]): Options {
  const opts: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument ${a}`);
    const key = a.slice(2);
    if (key === 'keep') opts[key] = true;
    else {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      opts[key] = v;
    }
  }
  const kernel = String(opts.kernel ?? '6.1');
  const cpu = String(opts.cpu ?? 'cortex-a57');
  if (!KERNELS[kernel])
    throw new UsageError(`--kernel must be one of ${Object.keys(KERNELS).join(', ')} (got ${kernel})`);
  if (!CPUS.includes(cpu)) throw new UsageError(`--cpu must be one of ${CPUS.join(', ')} (got ${cpu})`);
  return {
    kernel,
    cpu,
    keep: opts.keep === true,
    out: typeof opts.out === 'string' ? opts.out : undefined,
    bootMiB: Number(opts['boot-mib'] ?? DEFAULTS.bootMiB),
    regionMiB: Number(opts['region-mib'] ?? DEFAULTS.regionMiB),
    placements: placementsOf(String(opts.placement ?? 'both')),
    farAddr: Number(opts['far-gib'] ?? FAR_GIB) * 2 ** 30,
    record: typeof opts.record === 'string' ? opts.record : undefined,
  };
}

/** The installed kernel release a meta package depends on (e.g. 6.1.0-57-arm64). */
function kernelRelease(meta: string): string {
  const q = spawnSync('dpkg', ['-s', `${meta}:arm64`], { encoding: 'utf8' });
  const m = /^Depends:.*?linux-image-([0-9][^ ,:]*)/m.exec(q.stdout ?? '');
  if (q.status !== 0 || !m?.[1]) throw new MissingError(`${meta}:arm64 is not installed`);
  return m[1];
}

/** Installs what is missing (test/conformance/install.sh); a failure there is exit 2. */
function ensureInstalled(): void {
  const r = spawnSync('bash', [join(__dirname, 'install.sh')], { stdio: 'inherit' });
  if (r.status !== 0)
    throw new MissingError('test/conformance/install.sh could not install QEMU or the guest packages');
}

/** The guest on QEMU's serial console: lines out, shell commands in. */
class Console {
  private lines: string[] = [];
  private partial = '';
  private listeners: (() => void)[] = [];
  private serial = 0;
  log: string[] = [];

  constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split(/\r?\n/);
      this.partial = parts.pop() ?? '';
      this.lines.push(...parts);
      this.log.push(...parts);
      for (const l of this.listeners.splice(0)) l();
    });
  }

  /** Waits for a line matching a pattern; returns it and every line before it since the last wait. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const at = this.lines.findIndex((l) => pattern.test(l));
      if (at >= 0) return this.lines.splice(0, at + 1);
      if (this.proc.exitCode !== null) throw new Error(`QEMU exited (${this.proc.exitCode}) waiting for ${pattern}`);
      if (Date.now() > deadline) {
        throw new Error(`guest: no ${pattern} within ${timeoutMs} ms; last lines:\n${this.log.slice(-15).join('\n')}`);
      }
      await new Promise<void>((resolve) => {
        this.listeners.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** Runs a shell command in the guest and returns its output lines. */
  async run(command: string, timeoutMs = HANG_MS): Promise<string[]> {
    const mark = `DONE${++this.serial}`;
    // The quotes keep the console's echo of the command line from matching the marker.
    const quoted = `"${mark.slice(0, 2)}""${mark.slice(2)}"`;
    this.proc.stdin.write(`${command}; echo ${quoted}\n`);
    const out = await this.waitFor(new RegExp(`^${mark}$`), timeoutMs);
    const echoed = out.map((l) => l.includes(quoted)).lastIndexOf(true);
    return out.slice(echoed + 1, -1);
  }
}

/** VMCOREINFO as the guest printed it: `KEY=value` lines. */
type VmcoreInfo = Map<string, string>;

function parseVmcoreinfo(lines: readonly string[]): VmcoreInfo {
  const info = new Map<string, string>();
  for (const l of lines) {
    const m = /VMCOREINFO ([^=]+)=(.*)$/.exec(l);
    if (m?.[1] && m[2] !== undefined) info.set(m[1], m[2].trim());
  }
  return info;
}

function need(info: VmcoreInfo, key: string): string {
  const v = info.get(key);
  if (v === undefined) throw new Error(`VMCOREINFO has no ${key}`);
  return v;
}

/** A VMCOREINFO value: SYMBOL() values are bare hex, NUMBER() values decimal or 0x-prefixed hex. */
function big(v: string, bareHex: boolean): bigint {
  return BigInt(bareHex && !v.startsWith('0x') ? `0x${v}` : v);
}

/** What the run needs from VMCOREINFO, and the geometry the kernel runs with. */
interface Guest {
  readonly release: string;
  readonly geo: Geometry;
  readonly vaBitsBuilt: number;
  readonly pgdPa: number;
  /** PHYS_OFFSET (memstart_addr): below zero as u64 when a 52-bit build runs with 48 bits. */
  readonly physOffset: bigint;
  /** The linear-map VA of a physical address: pa − PHYS_OFFSET + PAGE_OFFSET (of the built VA_BITS). */
  readonly linearVa: (pa: number) => bigint;
  /** The VA of a physical page's struct page, when VMCOREINFO tells where vmemmap is. */
  readonly structPageVa?: (pa: number) => bigint;
  readonly info: Record<string, string>;
}

function guestFacts(info: VmcoreInfo, bootMs: number, era: string): Guest {
  const pageSize = Number(need(info, 'PAGESIZE'));
  const t1sz = info.get('NUMBER(TCR_EL1_T1SZ)');
  const vaBitsBuilt = Number(need(info, 'NUMBER(VA_BITS)'));
  // vabits_actual: the run-time VA size (TCR_EL1.T1SZ), below VA_BITS on a CPU without LPA2/LVA.
  const vaBits = t1sz === undefined ? vaBitsBuilt : 64 - Number(big(t1sz, false));
  const config = `${pageSize / 1024}K/${vaBitsBuilt}`;
  const lpa2 = vaBits === vaBitsBuilt;
  let geo: Geometry;
  try {
    geo = geometry(config, { era, lpa2 });
  } catch (e) {
    throw new Error(
      `${need(info, 'OSRELEASE')} runs ${config} with ${vaBits}-bit VA, which the model cannot run in ${era}: ${(e as Error).message}; booted in ${bootMs} ms`,
    );
  }
  if (geo.vaBits !== vaBits) {
    throw new Error(`the model runs ${config} in ${era} with ${geo.vaBits}-bit VA, the kernel with ${vaBits}`);
  }
  const swapper = big(need(info, 'SYMBOL(swapper_pg_dir)'), true);
  const voffset = big(need(info, 'NUMBER(kimage_voffset)'), false);
  const physOffset = big(need(info, 'NUMBER(PHYS_OFFSET)'), false);
  const pageOffset = U64 - (1n << BigInt(vaBitsBuilt));
  const structPage = BigInt(info.get('SIZE(page)') ?? 64);
  const pfn = (pa: number): bigint => BigInt(pa / pageSize);
  // vmemmap itself (6.12 exports it), else VMEMMAP_START − (memstart_addr >> PAGE_SHIFT) struct pages (6.1).
  const vmemmapSym = info.get('SYMBOL(vmemmap)');
  const vmemmapStart = info.get('NUMBER(VMEMMAP_START)');
  const vmemmap =
    vmemmapSym !== undefined
      ? big(vmemmapSym, true)
      : vmemmapStart !== undefined
        ? big(vmemmapStart, false) - (physOffset / BigInt(pageSize)) * structPage
        : undefined;
  return {
    release: need(info, 'OSRELEASE'),
    geo,
    vaBitsBuilt,
    pgdPa: Number(swapper - voffset),
    physOffset,
    linearVa: (pa) => (BigInt(pa) - physOffset + pageOffset + U64) % U64,
    structPageVa: vmemmap === undefined ? undefined : (pa) => (vmemmap + pfn(pa) * structPage) % U64,
    info: Object.fromEntries(info),
  };
}

/** One stage's observation. */
interface Stage {
  /** Next to boot RAM, or far away (a placement that needs its own PGD entry on 4K/48). */
  readonly placement: string;
  /** Guest-physical base of the virtio-mem region, and the VA ranges walked. */
  readonly base: number;
  readonly ranges: readonly { name: string; start: string; end: string }[];
  readonly name: string;
  readonly plugged: number;
  readonly blocks: readonly string[];
  readonly ms: number;
  readonly savedPages: number;
  readonly tables: readonly SeenTable[];
  readonly ptdump: string;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  ensureInstalled();
  const kernel = KERNELS[opts.kernel] as (typeof KERNELS)[string];
  const release = kernelRelease(kernel.meta);
  const kernelImage = `/boot/vmlinuz-${release}`;
  if (!existsSync(kernelImage)) throw new MissingError(`${kernelImage} is missing`);
  const work = mkdtempSync(join(tmpdir(), 'conformance-'));
  let qemu: ChildProcessWithoutNullStreams | undefined;
  let qmp: Qmp | undefined;
  const cleanup = (): void => {
    qmp?.close();
    if (qemu?.pid !== undefined && qemu.exitCode === null) {
      try {
        process.kill(qemu.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (!opts.keep) rmSync(work, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    cleanup();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const initrd = buildInitramfs(release, work);
    const socket = join(work, 'qmp.sock');
    const region = opts.regionMiB * MiB;
    const devices = opts.placements.map((name, i) => ({
      name,
      id: `vm${i}`,
      memaddr: name === 'far' ? opts.farAddr : undefined,
    }));
    const maxmem = Math.max(opts.bootMiB * MiB + 2 * region, opts.farAddr + region);
    const args = [
      ...['-M', 'virt', '-accel', 'tcg', '-cpu', opts.cpu, '-smp', '1'],
      ...['-m', `${opts.bootMiB}M,maxmem=${Math.ceil(maxmem / MiB)}M`],
      ...devices.flatMap((d) => [
        ...['-object', `memory-backend-ram,id=mem-${d.id},size=${region}`],
        ...[
          '-device',
          `virtio-mem-pci,id=${d.id},memdev=mem-${d.id},requested-size=0${d.memaddr === undefined ? '' : `,memaddr=${d.memaddr}`}`,
        ],
      ]),
      ...['-kernel', kernelImage, '-initrd', initrd],
      // Hot-added blocks stay offline until the run onlines them (6.12's Debian build auto-onlines to
      // ZONE_NORMAL, where unmovable allocations can keep a block from being unplugged).
      ...['-append', 'console=ttyAMA0 nokaslr rdinit=/init panic=-1 memhp_default_state=offline'],
      ...['-display', 'none', '-serial', 'stdio', '-monitor', 'none', '-nic', 'none', '-no-reboot'],
      ...['-qmp', `unix:${socket},server=on,wait=off`],
      ...['-gdb', `unix:${join(work, 'gdb.sock')},server=on,wait=off`],
    ];
    const t0 = Date.now();
    qemu = spawn('qemu-system-aarch64', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    qemu.on('error', () => undefined);
    let stderr = '';
    qemu.stderr.on('data', (c) => {
      stderr += String(c);
    });
    const guest = new Console(qemu);
    qmp = await Qmp.open(socket);
    const bootLines = await guest.waitFor(/^CONFORMANCE ready/, HANG_MS).catch((e: Error) => {
      throw new Error(`${e.message}\n${stderr}`);
    });
    const bootMs = Date.now() - t0;
    const failed = bootLines.filter((l) => l.startsWith('CONFORMANCE insmod-failed'));
    if (failed.length > 0) throw new Error(`guest could not load modules: ${failed.join('; ')}`);
    const facts = guestFacts(parseVmcoreinfo(bootLines), bootMs, kernel.era);
    const { geo } = facts;
    const blockSize = Number.parseInt(
      (await guest.run('cat /sys/devices/system/memory/block_size_bytes'))[0] ?? '',
      16,
    );
    const qemuVersion = await qmp.execute<{ qemu: { major: number; minor: number; micro: number } }>('query-version');
    const dumpSource = (view: RamImage) => ({ geo, layout: layout(geo), pt: view });
    const stages: Stage[] = [];
    let ttbr1: bigint | undefined;

    for (const dev of devices) {
      const path = `/machine/peripheral/${dev.id}`;
      const base = await qmp.execute<number>('qom-get', { path, property: 'memaddr' });
      const inRegion = (pa: number): boolean => pa >= base && pa < base + region;
      // The hot-plugged range's linear map and its vmemmap, in model addresses of the running geometry.
      const linear = (pa: number): Kva => toKva(geo, facts.linearVa(pa));
      const ranges = [{ name: 'linear', start: linear(base), end: linear(base + region - 1) + 1 }];
      const structPage = facts.structPageVa;
      if (structPage) {
        const struct = (pa: number): Kva => toKva(geo, structPage(pa));
        ranges.push({ name: 'vmemmap', start: struct(base), end: struct(base + region - geo.pageSize) + 64 });
      }

      const observe = async (name: string, plugged: number, ms: number): Promise<void> => {
        const dir = join(work, `stage-${stages.length}`);
        mkdirSync(dir);
        await qmp?.execute('stop');
        const image = new RamImage(geo, facts.pgdPa / geo.pageSize);
        let saved = 0;
        // Walk, save the pages the walk missed, walk again: one round per level at most.
        for (;;) {
          tablesOver(image, ranges);
          if (image.missing.size === 0) break;
          for (const pfn of [...image.missing]) {
            const file = join(dir, `${pfn.toString(16)}.page`);
            const pa = pfn * geo.pageSize;
            await qmp?.execute('pmemsave', { val: pa, size: geo.pageSize, filename: file });
            image.add({ base: pa, size: geo.pageSize, file });
            saved++;
          }
        }
        const tables = tablesOver(image, ranges);
        if (ttbr1 === undefined) ttbr1 = await checkTtbr1(join(work, 'gdb.sock'), facts.pgdPa);
        if (opts.record && plugged > 0 && !existsSync(opts.record))
          record(opts.record, image, facts, ranges, base, plugged);
        const dump = ptdump(dumpSource(image), { range: { start: ranges[0]?.start ?? 0, end: ranges[0]?.end ?? 0 } });
        image.close();
        await qmp?.execute('cont');
        const blocks = (
          await guest.run('for b in /sys/devices/system/memory/memory*; do echo "$(basename $b) $(cat $b/state)"; done')
        ).filter((l) => inRegion(Number(/^memory(\d+)/.exec(l)?.[1] ?? -1) * blockSize));
        const ranged = ranges.map((r) => ({ name: r.name, start: kvaHex(geo, r.start), end: kvaHex(geo, r.end) }));
        stages.push({
          placement: dev.name,
          base,
          ranges: ranged,
          name,
          plugged,
          blocks,
          ms,
          savedPages: saved,
          tables,
          ptdump: dump,
        });
      };

      /** Sets requested-size and waits until the device reports it and the guest's memory matches. */
      const request = async (size: number): Promise<number> => {
        const t = Date.now();
        await qmp?.execute('qom-set', { path, property: 'requested-size', value: size });
        for (;;) {
          const now = await qmp?.execute<number>('qom-get', { path, property: 'size' });
          // Added blocks appear in sysfs after arch_add_memory; removed ones leave /proc/iomem after
          // arch_remove_memory. Adjacent blocks' resources are merged (MHP_MERGE_RESOURCE): sum them.
          const ram = (await guest.run("grep 'System RAM (virtio_mem)' /proc/iomem"))
            .map((l) => /([0-9a-f]+)-([0-9a-f]+) :/.exec(l))
            .map((m) => (m?.[1] && m[2] ? [Number.parseInt(m[1], 16), Number.parseInt(m[2], 16) + 1] : [0, 0]))
            .reduce((sum, [from = 0, to = 0]) => (inRegion(from) ? sum + to - from : sum), 0);
          if (now === size && ram === size) break;
          if (Date.now() - t > HANG_MS) {
            throw new Error(`virtio-mem ${dev.name} did not reach ${size} bytes (device ${now}, guest ${ram})`);
          }
          await new Promise((r) => setTimeout(r, 250));
        }
        return Date.now() - t;
      };
      const online = async (): Promise<number> => {
        const t = Date.now();
        await guest.run(
          'for s in /sys/devices/system/memory/memory*/state; do [ "$(cat $s)" = offline ] && echo online_movable > $s; done',
        );
        return Date.now() - t;
      };

      const half = Math.floor(region / 2 / blockSize) * blockSize;
      await observe(stages.length === 0 ? 'boot' : 'before', 0, stages.length === 0 ? bootMs : 0);
      await observe(`plug ${half / MiB} MiB (added, offline)`, half, await request(half));
      await observe('online', half, await online());
      await observe(`unplug to ${half / 2 / MiB} MiB`, half / 2, await request(half / 2));
      await observe('unplug the rest', 0, await request(0));
      const again = await request(region);
      await observe(`plug ${region / MiB} MiB again, online`, region, again + (await online()));
    }

    const observation: Observation = {
      kernel: opts.kernel,
      release: facts.release,
      cpu: opts.cpu,
      config: geo.name,
      era: kernel.era,
      lpa2: geo.vaBits === geo.vaBitsConfig,
      vaBits: geo.vaBits,
      qemu: `${qemuVersion.qemu.major}.${qemuVersion.qemu.minor}.${qemuVersion.qemu.micro}`,
      bootMiB: opts.bootMiB,
      region: { size: region, blockSize },
      layout: guestLayout(facts.info),
      stages: stages.map(({ placement, base, ranges, name, plugged, blocks, tables }) => ({
        ...{ placement, base, ranges, name, plugged, blocks },
        tables: recordRuns(geo, tables),
      })),
    };
    const verdicts = predict(observation);
    const layoutOff = layoutDisagreements(observation);
    const totalMs = Date.now() - t0;
    printReport(geo, stages, verdicts);
    console.log(
      `\nkernel ${facts.release} (${geo.name} in ${kernel.era}, ${geo.vaBits}-bit VA) on -cpu ${opts.cpu}, QEMU ${observation.qemu}: ` +
        `boot ${bootMs} ms, whole run ${totalMs} ms; swapper_pg_dir at ${physHex(facts.pgdPa)}, TTBR1_EL1 0x${ttbr1?.toString(16)}`,
    );
    if (opts.out) {
      const extra = {
        swapperPgDir: facts.pgdPa,
        ttbr1: `0x${ttbr1?.toString(16)}`,
        vmcoreinfo: facts.info,
        bootMs,
        totalMs,
      };
      writeFileSync(opts.out, `${JSON.stringify({ ...observation, ...extra }, null, 2)}\n`);
    }
    const changed = isDefault(opts) ? recordObservation(observation) : undefined;
    const off = [...layoutOff, ...verdicts.flatMap((v) => v.disagreements)];
    for (const d of layoutOff) console.log(`layout: ${disagreementText(d)}`);
    const problems = [
      ...(off.length > 0 ? [`the model and the kernel disagree at ${off.length} places (above)`] : []),
      ...(changed ? [changed] : []),
    ];
    if (problems.length > 0) throw new Error(problems.join('; '));
    console.log(`the model agrees with the kernel at every stage (${verdicts.length}) and on the layout`);
  } finally {
    const running = qemu;
    const exited =
      running && running.exitCode === null && running.signalCode === null
        ? new Promise((resolve) => {
            running.once('exit', resolve);
            setTimeout(resolve, 2000).unref();
          })
        : undefined;
    cleanup();
    // Reap the killed QEMU before exiting, so no zombie outlives the run.
    await exited;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** TTBR1_EL1's table base address: bits 47:1 (CnP in bit 0, the ASID above). */
const TTBR_BADDR = (1n << 48n) - 2n;

/** Reads TTBR1_EL1 of the stopped vCPU (detaching resumes it) and checks it points at swapper_pg_dir. */
async function checkTtbr1(gdbSocket: string, pgdPa: number): Promise<bigint> {
  const ttbr1 = await readSysreg(gdbSocket, 'TTBR1_EL1');
  if ((ttbr1 & TTBR_BADDR) !== BigInt(pgdPa)) {
    throw new Error(`TTBR1_EL1 0x${ttbr1.toString(16)} does not point at swapper_pg_dir (${physHex(pgdPa)})`);
  }
  return ttbr1;
}

/**
 * Copies the table pages on the walks of three addresses — the first plugged linear address, the one
 * 2 MiB above it and the first struct page of the range — with what a test needs to read them.
 */
function record(
  dir: string,
  image: RamImage,
  facts: Guest,
  ranges: readonly { start: Kva; end: Kva }[],
  base: number,
  plugged: number,
): void {
  mkdirSync(dir, { recursive: true });
  const { geo } = facts;
  const linear = ranges[0] as { start: Kva; end: Kva };
  const at = [linear.start, linear.start + 2 * MiB, ...(ranges[1] ? [ranges[1].start] : [])];
  const pfns = new Set(at.flatMap((kva) => walk(image, kva, 'record').steps.map((s) => s.table)));
  const pages = [...pfns].map((pfn) => {
    const file = `${(pfn * geo.pageSize).toString(16)}.page`;
    writeFileSync(join(dir, file), Buffer.from(image.words(pfn, 'record').buffer));
    return { pa: pfn * geo.pageSize, file };
  });
  const index = {
    release: facts.release,
    config: geo.name,
    linearPa: base,
    swapperPgDir: facts.pgdPa,
    linear: { start: kvaHex(geo, linear.start), end: kvaHex(geo, linear.end) },
    plugged,
    walked: at.map((kva) => kvaHex(geo, kva)),
    pages,
  };
  writeFileSync(join(dir, 'index.json'), `${JSON.stringify(index, null, 2)}\n`);
}

/** Per stage: the tables the real kernel showed, by level, beside the model's, and their disagreements. */
function printReport(geo: Geometry, stages: readonly Stage[], verdicts: readonly StageVerdict[]): void {
  let placement = '';
  const byLevel = (ts: readonly SeenTable[]): string =>
    geo.levels.map((l) => `${l.name} ${ts.filter((t) => t.level === l.name).length}`).join(', ');
  for (const [i, s] of stages.entries()) {
    const v = verdicts[i] as StageVerdict;
    if (s.placement !== placement) {
      placement = s.placement;
      console.log(
        `\n##### ${placement}: region at ${physHex(s.base)}; walked ${s.ranges.map((r) => `${r.name} ${r.start}-${r.end}`).join(', ')}`,
      );
    }
    console.log(`\n=== ${s.name}: ${s.ms} ms, ${s.savedPages} pages saved, blocks: ${s.blocks.join(', ') || 'none'}`);
    for (const l of formatTables(geo, s.tables)) console.log(`  ${l}`);
    console.log(`  kernel: ${byLevel(v.real)}`);
    console.log(`  model:  ${byLevel(v.model)}  ${v.disagreements.length === 0 ? 'agree' : 'DISAGREE'}`);
    for (const d of v.disagreements) console.log(`    ${disagreementText(d)}`);
    console.log(s.ptdump.trimEnd());
  }
}

/** The layout values VMCOREINFO reports (NUMBER(...)), by the kernel's names, addresses as 16 hex digits. */
function guestLayout(info: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['MODULES_VADDR', 'MODULES_END', 'VMALLOC_START', 'VMALLOC_END', 'VMEMMAP_START', 'VMEMMAP_END']) {
    const v = info[`NUMBER(${key})`];
    if (v !== undefined) out[key] = hex64(BigInt(v));
  }
  for (const key of ['SECTION_SIZE_BITS', 'VA_BITS']) {
    const v = info[`NUMBER(${key})`];
    if (v !== undefined) out[key] = String(Number(v));
  }
  return out;
}

/** Whether the run used the default machine and plug sequence, the one the recorded observations hold. */
const isDefault = (o: Options): boolean =>
  o.placements.length === 2 &&
  o.bootMiB === DEFAULTS.bootMiB &&
  o.regionMiB === DEFAULTS.regionMiB &&
  o.farAddr === FAR_GIB * 2 ** 30;

/** Where the observation of a kernel on a CPU is recorded: features/data/real-kernels/6.12-max-lpa2-off.json. */
const recordPath = (o: Observation): string =>
  join(__dirname, '..', '..', 'features', 'data', 'real-kernels', recordingName(o.kernel, o.cpu));

/**
 * Records the observation for `npm test` to check the model against. Returns what changed when a
 * recording was there and the kernel's answer (the tables and the layout, not the release or QEMU's
 * version) differs from it; the new answer is written either way, for git to show.
 */
function recordObservation(o: Observation): string | undefined {
  const path = recordPath(o);
  const answer = ({ kernel: _k, release: _r, cpu: _c, qemu: _q, ...rest }: Observation): string => JSON.stringify(rest);
  const before = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Observation) : undefined;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(o, null, 2)}\n`);
  console.log(`recorded ${path}`);
  if (before && answer(before) !== answer(o)) {
    return `the kernel's answer changed since ${before.release} was recorded in ${path} (git diff shows how)`;
  }
  return undefined;
}

/** --all: each run in a process of its own; the exit code is the worst of theirs. */
function runAll(): number {
  let worst = 0;
  for (const [kernel, cpu] of ALL_RUNS) {
    console.log(`\n######## Linux ${kernel} on -cpu ${cpu}`);
    const t = Date.now();
    const child = spawnSync(process.execPath, [...process.execArgv, __filename, '--kernel', kernel, '--cpu', cpu], {
      stdio: 'inherit',
    });
    const code = child.status ?? 1;
    console.log(`######## Linux ${kernel} on -cpu ${cpu}: exit ${code} in ${Math.round((Date.now() - t) / 1000)} s`);
    if (code === 2) return 2;
    worst = Math.max(worst, code);
  }
  return worst;
}

const argv = process.argv.slice(2);
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(USAGE);
  process.exit(0);
}
if (argv.includes('--all')) process.exit(runAll());
main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`conformance: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(e instanceof MissingError || e instanceof UsageError ? 2 : 1);
  },
);
