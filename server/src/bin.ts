import { createServer, type ParleyServer } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { SERVER_VERSION } from './version.js';

/**
 * `parley-server`: reads the configuration, starts the server, prints where it listens, and
 * shuts down gracefully on SIGINT/SIGTERM (a second signal forces the exit).
 */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`parley-server: ${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }

  let server: ParleyServer;
  try {
    server = await createServer(config);
  } catch (err) {
    process.stderr.write(`parley-server: could not start: ${(err as Error).message}\n`);
    process.exit(1);
  }

  let url: string;
  try {
    url = await server.listen();
  } catch (err) {
    process.stderr.write(
      `parley-server: could not listen on ${config.host}:${config.port}: ${(err as Error).message}\n`,
    );
    await server.close().catch(() => undefined);
    process.exit(1);
  }

  // The URL first (tools and tests read it from this line), then where else it is reachable.
  const everywhere = config.host === '0.0.0.0' || config.host === '::';
  process.stdout.write(
    `Parley server ${SERVER_VERSION} listening on ${url}` +
      `${everywhere ? ` (all interfaces, port ${new URL(url).port})` : ''}, data in ${config.dataDir} (${server.repository.dialect})\n`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`parley-server: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`parley-server: ${signal}, shutting down\n`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`parley-server: error while shutting down: ${(err as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  // Every handler catches its own errors; should one slip through, log it and keep serving
  // everyone else rather than drop every connection with the process.
  process.on('unhandledRejection', (reason) => {
    server.app.log.error({ err: reason }, 'unhandled promise rejection');
  });
}

void main();
