import { lazyNamed } from '../components/Lazy';

/** The emoji picker (and, through it, @emoji-mart/data) is a chunk of its own, loaded on first open. */
export const EmojiPicker = lazyNamed(() => import('./EmojiPicker'), 'EmojiPicker');
