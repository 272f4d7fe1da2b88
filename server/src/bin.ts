import { pino, type Logger } from 'pino';
import { createServer, type ParleyServer } from './app.js';
import { runAdminCli } from './cli/admin.js';
import { runBackupCli } from './cli/backup.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { isUnavailableError } from './errors.js';
import { SERVER_VERSION } from './version.js';

/**
 * `parley-server`: reads the configuration, starts the server, logs where it listens, and
 * shuts down gracefully on SIGINT/SIGTERM (a second signal forces the exit). Everything it
 * says is a JSON log line on stdout (pino, the server's own logger), so a log shipper never
 * meets a line it cannot parse.
 */
async function main(): Promise<void> {
  const command = process.argv[2];
  if (command === 'admin') process.exit(await runAdminCli(process.argv.slice(3)));
  if (command === 'backup' || command === 'restore') {
    process.exit(await runBackupCli(command, process.argv.slice(3)));
  }
  let config;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      // No configured level yet: a bad setting is always worth saying.
      pino().fatal({ setting: err.message }, `parley-server: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  // Before the server (and its logger) exists, and for the last words after it is gone.
  const bootLog = pino({ level: config.logLevel });

  let server: ParleyServer;
  try {
    server = await startWhenReachable(config, bootLog);
  } catch (err) {
    bootLog.fatal({ err }, `parley-server: could not start: ${(err as Error).message}`);
    process.exit(1);
  }
  const log = server.app.log;

  let url: string;
  try {
    url = await server.listen();
  } catch (err) {
    log.fatal(
      { err },
      `parley-server: could not listen on ${config.host}:${config.port}: ${(err as Error).message}`,
    );
    await server.close().catch(() => undefined);
    process.exit(1);
  }

  // The message keeps the URL right after "listening on" (scripts/start-lib.mjs and the crash
  // test read it there); the fields carry the same for log queries. Said even at LOG_LEVEL=warn
  // or error: where the server listens is the one line everyone needs.
  const everywhere = config.host === '0.0.0.0' || config.host === '::';
  const banner = config.logLevel === 'silent' ? log : pino();
  banner.info(
    {
      url,
      host: config.host,
      dataDir: config.dataDir,
      database: server.repository.dialect,
      version: SERVER_VERSION,
    },
    `Parley server ${SERVER_VERSION} listening on ${url}` +
      `${everywhere ? ` (all interfaces, port ${new URL(url).port})` : ''}, data in ${config.dataDir} (${server.repository.dialect})`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) {
      log.warn({ signal }, `parley-server: ${signal} again, exiting now`);
      process.exit(1);
    }
    stopping = true;
    log.info({ signal }, `parley-server: ${signal}, shutting down`);
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        bootLog.error({ err }, `parley-server: error while shutting down: ${(err as Error).message}`);
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

/**
 * Starts the server, waiting while the database or Redis is out of reach (both often start
 * alongside it, after a reboot or in a compose file) instead of exiting and leaving the
 * restart to someone else. Any other failure (a bad migration, a bad setting) is final.
 */
async function startWhenReachable(config: Config, log: Logger): Promise<ParleyServer> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await createServer(config);
    } catch (err) {
      if (!isUnavailableError(err)) throw err;
      const delayMs = Math.min(10_000, 500 * 2 ** (attempt - 1));
      log.warn(
        { attempt, retryInMs: delayMs, reason: (err as Error).message },
        `parley-server: the database or Redis is out of reach; retrying in ${delayMs / 1000} s`,
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

void main();
