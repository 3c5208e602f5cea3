import net from "node:net";

/**
 * A lean HTTP/1.1 keep-alive client for load generation: one request at a time per
 * connection (no pipelining), requests written as one buffer, answers parsed just enough
 * (status line, Content-Length, body). Node's http client costs about as much CPU per request
 * as the server under test; on a 2-core machine that CPU is taken from the server, so the
 * load generator is kept cheap (like wrk, not like a browser).
 */
export interface HttpAnswer {
  status: number;
  body: Buffer;
}

export class KeepAliveConnection {
  private socket: net.Socket | null = null;
  private buffered: Buffer = Buffer.alloc(0);
  private waiting: { resolve: (a: HttpAnswer) => void; reject: (e: Error) => void } | null = null;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  static forUrl(url: string): KeepAliveConnection {
    const u = new URL(url);
    return new KeepAliveConnection(u.hostname, Number(u.port));
  }

  request(
    method: string,
    path: string,
    headers: Record<string, string>,
    body: string | Buffer,
  ): Promise<HttpAnswer> {
    const payload = typeof body === "string" ? Buffer.from(body) : body;
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.host}:${this.port}\r\ncontent-length: ${payload.length}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    const bytes = Buffer.concat([Buffer.from(`${head}\r\n`), payload]);
    return new Promise<HttpAnswer>((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.connected().write(bytes);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private connected(): net.Socket {
    if (this.socket && !this.socket.destroyed) return this.socket;
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.buffered = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
      this.tryAnswer();
    });
    const fail = (error: Error) => {
      this.socket = null;
      const w = this.waiting;
      this.waiting = null;
      w?.reject(error);
    };
    socket.on("error", fail);
    socket.on("close", () => fail(new Error("connection closed")));
    this.socket = socket;
    return socket;
  }

  private tryAnswer(): void {
    const end = this.buffered.indexOf("\r\n\r\n");
    if (end < 0) return;
    const head = this.buffered.subarray(0, end).toString("latin1");
    const status = Number(head.slice(9, 12));
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) {
      this.waiting?.reject(new Error(`answer without Content-Length: ${head.slice(0, 200)}`));
      this.waiting = null;
      this.close();
      return;
    }
    const total = end + 4 + Number(length[1]);
    if (this.buffered.length < total) return;
    const body = this.buffered.subarray(end + 4, total);
    this.buffered = this.buffered.subarray(total);
    const w = this.waiting;
    this.waiting = null;
    if (/\r\nconnection: *close/i.test(head)) this.close();
    w?.resolve({ status, body });
  }
}
