import { connect, type Socket } from 'node:net';

/** A QMP reply or event, as QEMU sends one JSON object per line. */
type QmpMessage = { return?: unknown; error?: { class: string; desc: string }; event?: string; QMP?: unknown };

/** A minimal QMP client over QEMU's Unix socket: one command at a time, events ignored. */
export class Qmp {
  private buffer = '';
  private readonly waiting: { resolve: (m: QmpMessage) => void; reject: (e: Error) => void }[] = [];
  private closed = false;

  private constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (let nl = this.buffer.indexOf('\n'); nl >= 0; nl = this.buffer.indexOf('\n')) {
        const line = this.buffer.slice(0, nl).trim();
        this.buffer = this.buffer.slice(nl + 1);
        if (line === '') continue;
        const message = JSON.parse(line) as QmpMessage;
        if (message.event !== undefined) continue;
        this.waiting.shift()?.resolve(message);
      }
    });
    // QEMU gone: every pending command fails instead of waiting for ever.
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w.reject(new Error('QMP connection closed (QEMU exited)'));
    });
  }

  /** Connects (retrying while QEMU creates the socket), reads the greeting and leaves negotiation mode. */
  static async open(path: string, timeoutMs = 120_000): Promise<Qmp> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(path, () => resolve(s));
          s.once('error', reject);
        });
        const qmp = new Qmp(socket);
        try {
          await qmp.next();
          await qmp.execute('qmp_capabilities');
        } catch (e) {
          qmp.close();
          throw e;
        }
        return qmp;
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  private next(): Promise<QmpMessage> {
    if (this.closed) return Promise.reject(new Error('QMP connection closed (QEMU exited)'));
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  /** Runs a command and returns its result; a QMP error is thrown with QEMU's words. */
  async execute<T = unknown>(command: string, args?: Record<string, unknown>): Promise<T> {
    const reply = this.next();
    this.socket.write(`${JSON.stringify(args ? { execute: command, arguments: args } : { execute: command })}\n`);
    const m = await reply;
    if (m.error) throw new Error(`QMP ${command}: ${m.error.class}: ${m.error.desc}`);
    return m.return as T;
  }

  close(): void {
    this.socket.destroy();
  }
}
