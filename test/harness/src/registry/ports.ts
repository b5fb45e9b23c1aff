import { createServer } from 'node:net';

/**
 * A free TCP port on 127.0.0.1, for services that take their port from a
 * config file (the registry) rather than binding port 0 themselves. The port
 * is released before it is returned, so a tiny race remains; callers retry.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}
