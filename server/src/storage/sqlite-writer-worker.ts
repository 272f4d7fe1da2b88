/**
 * The SQLite writer thread's entry (started by sqlite-writer.ts). It owns a connection of
 * its own and runs the conversation writes' group-commit batches on it, exactly as the main
 * thread did before: the same ConversationWrites code, the same transaction per batch, the
 * same COMMIT at synchronous=FULL. Only the thread that waits for the fsync changed.
 * Batches arrive one at a time (the queue's concurrency is 1) and are answered in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ConversationWrites } from './conversation-writes.js';
import { openSqlite } from './sqlite-open.js';
import {
  toWireError,
  toWireOutcome,
  type CrashPoint,
  type FromWriter,
  type ToWriter,
  type WriterData,
} from './sqlite-writer-protocol.js';

const port = parentPort;
if (!port) throw new Error('sqlite-writer-worker runs only as a worker thread');
const send = (message: FromWriter) => port.postMessage(message);
const { file } = workerData as WriterData;

let opened: ReturnType<typeof openSqlite>;
try {
  opened = openSqlite(file);
} catch (err) {
  send({ type: 'open-failed', error: toWireError(err) });
  process.exit(1);
}
const { sqlite, db } = opened;
const writes = new ConversationWrites(db, 'sqlite', sqlite);
let crash: CrashPoint | undefined;
writes.beforeCommit = () => {
  // Dies inside the transaction: SQLite never sees a COMMIT, so the batch is not stored.
  if (crash === 'before-commit') process.exit(70);
};
// Messages are handled strictly one after another, the close after the last batch.
let chain: Promise<void> = Promise.resolve();

port.on('message', (message: ToWriter) => {
  chain = chain.then(() => handle(message));
});
send({ type: 'ready' });

async function handle(message: ToWriter): Promise<void> {
  switch (message.type) {
    case 'crash':
      crash = message.at;
      return;
    case 'close':
      await db.destroy();
      port!.close();
      return;
    case 'batch': {
      let reply: FromWriter;
      try {
        const outcomes = await writes.runBatch(message.items);
        reply = { type: 'done', id: message.id, outcomes: outcomes.map(toWireOutcome) };
      } catch (err) {
        reply = { type: 'failed', id: message.id, error: toWireError(err) };
      }
      // Committed but never answered: those writers get `unavailable` and retry by clientId.
      if (crash === 'after-commit') process.exit(70);
      send(reply);
    }
  }
}
