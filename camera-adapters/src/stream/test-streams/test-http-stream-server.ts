import { createReadStream } from "node:fs";
import http from "node:http";
import type net from "node:net";

export interface TestHttpStreamServer {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves one media file over HTTP at `/stream.ts` (many cameras and NVRs offer HTTP-FLV,
 * MJPEG or TS), optionally behind Basic auth; other paths answer 404.
 */
export async function startTestHttpStreamServer(
  filePath: string,
  options: { basicAuth?: { username: string; password: string } } = {},
): Promise<TestHttpStreamServer> {
  const expected = options.basicAuth
    ? `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString("base64")}`
    : null;
  const server = http.createServer((request, response) => {
    if (expected && request.headers.authorization !== expected) {
      response.writeHead(401, { "WWW-Authenticate": 'Basic realm="camera"' }).end();
      return;
    }
    if (request.url !== "/stream.ts") {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "Content-Type": "video/mp2t" });
    createReadStream(filePath).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/stream.ts`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
