import { connect, type Socket } from 'node:net';

/** The GDB remote protocol's checksum: the sum of the packet's bytes, modulo 256, in two hex digits. */
const checksum = (p: string): string =>
  [...p]
    .reduce((a, c) => (a + c.charCodeAt(0)) & 0xff, 0)
    .toString(16)
    .padStart(2, '0');

/**
 * Reads one system register of the stopped vCPU through QEMU's gdbstub (QMP shows no system
 * registers): finds its number in the stub's system-registers.xml, reads it with `p`, and detaches.
 */
export async function readSysreg(path: string, name: string): Promise<bigint> {
  const socket: Socket = connect(path);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  let buffer = '';
  const waiting: ((reply: string) => void)[] = [];
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    for (let m = /^\+*\$([^#]*)#[0-9a-f]{2}/.exec(buffer); m; m = /^\+*\$([^#]*)#[0-9a-f]{2}/.exec(buffer)) {
      buffer = buffer.slice(m[0].length);
      socket.write('+');
      // A stop reply (T…/S…) may come unasked when the stub stops the vCPU; no request here expects one.
      if (!/^[TS][0-9a-f]{2}/.test(m[1] ?? '')) waiting.shift()?.(m[1] ?? '');
    }
  });
  const send = (packet: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gdbstub: no reply to ${packet}`)), 5000);
      waiting.push((reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      socket.write(`$${packet}#${checksum(packet)}`);
    });
  try {
    await send('qSupported:xmlRegisters=aarch64');
    let xml = '';
    for (;;) {
      const reply = await send(`qXfer:features:read:system-registers.xml:${xml.length.toString(16)},fff`);
      xml += reply.slice(1);
      if (!reply.startsWith('m')) break;
    }
    const regnum = new RegExp(`<reg name="${name}"[^>]*regnum="(\\d+)"`).exec(xml)?.[1];
    if (regnum === undefined) throw new Error(`gdbstub: no register ${name}`);
    const hex = await send(`p${Number(regnum).toString(16)}`);
    // Target byte order (little-endian): reverse the bytes.
    const bytes = hex.match(/../g) ?? [];
    return BigInt(`0x${bytes.reverse().join('') || '0'}`);
  } finally {
    await send('D').catch(() => undefined);
    socket.destroy();
  }
}
