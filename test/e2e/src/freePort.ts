import { createServer } from 'node:net';

/** A port nothing listens on right now, found by binding port 0 on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolvePort(address.port)
          : reject(new Error('the OS gave no port for port 0')),
      );
    });
  });
}
