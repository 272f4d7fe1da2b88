import { join } from 'node:path';
import type { Config } from '../config.js';
import { LocalDiskStore, type AttachmentStore } from './store.js';

export { registerAttachmentRoutes } from './routes.js';
export { deleteFiles } from './upload.js';

/** The configured attachment store: local disk under `DATA_DIR/attachments`. */
export function openAttachmentStore(config: Config): Promise<AttachmentStore> {
  return new LocalDiskStore(join(config.dataDir, 'attachments')).init();
}
