/* global window, location, MediaDevices, Element */
// The renderer side of the Electron stand-in. preload-script.ts turns this function into the
// text of a Playwright init script, wrapped around the built preload (out/preload/index.cjs),
// so it runs in every frame before the page's own scripts. It gives the preload what a
// sandboxed preload gets from `require('electron')` (contextBridge, ipcRenderer) and routes
// what Chromium would hand to the Electron browser process (window.open, getDisplayMedia)
// through Playwright bindings to the fake main process.
//
// Not emulated: the isolated world. The preload runs in the main world, protected only by
// closure scope; the exposed API is copied and deep-frozen as contextBridge does.
export function pageRuntime(config) {
  const g = globalThis;
  const invoke = g[config.bindings.invoke];
  const openWindow = g[config.bindings.windowOpen];
  const displayMedia = g[config.bindings.displayMedia];
  const contextMenu = g[config.bindings.contextMenu];

  // window.open and links with a target: Electron asks the window-open handler in main.
  const open = (url) => {
    void openWindow(new URL(String(url), location.href).href).catch(() => undefined);
    return null;
  };
  Object.defineProperty(window, 'open', { value: open, writable: true, configurable: true });
  window.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!link || event.defaultPrevented) return;
    const target = link.getAttribute('target');
    const newWindow =
      (target !== null && !['', '_self', '_top', '_parent'].includes(target)) ||
      event.ctrlKey ||
      event.metaKey ||
      event.shiftKey;
    if (!newWindow) return;
    event.preventDefault();
    open(link.href);
  });

  // getDisplayMedia: main's display-media request handler decides (and shows its picker).
  // Chromium's own capture starts at once so the user activation is not lost while main asks.
  const original = g.MediaDevices?.prototype.getDisplayMedia;
  if (original) {
    MediaDevices.prototype.getDisplayMedia = async function (constraints = {}) {
      const capture = original.call(this, constraints);
      capture.catch(() => undefined);
      const granted = await displayMedia({
        videoRequested: Boolean(constraints.video),
        audioRequested: Boolean(constraints.audio),
      });
      if (!granted) {
        capture.then((stream) => stream.getTracks().forEach((track) => track.stop())).catch(() => undefined);
        throw new DOMException('Permission denied by system', 'NotAllowedError');
      }
      return capture;
    };
  }

  // A right-click the page did not handle: Electron emits 'context-menu' on the web contents
  // with what is under the pointer (Chromium's own menu never shows in Electron). Only the
  // page's preventDefault() keeps it away, wherever the event's propagation stopped, so this
  // listens in the capture phase and decides once the whole dispatch is over.
  window.addEventListener('contextmenu', (event) => setTimeout(() => onContextMenu(event), 0), true);
  function onContextMenu(event) {
    if (event.defaultPrevented || !contextMenu) return;
    const target = event.target instanceof Element ? event.target : null;
    const editable =
      target?.closest('input, textarea, [contenteditable="true"], [contenteditable=""]') ?? null;
    const field = editable && 'selectionStart' in editable ? editable : null;
    const selectionText = field
      ? field.value.slice(field.selectionStart ?? 0, field.selectionEnd ?? 0)
      : String(window.getSelection() ?? '');
    // The word around the caret, where Chromium's spell-checker would have underlined it.
    let wordAtCaret = '';
    if (field) {
      const caret = field.selectionStart ?? 0;
      const before = /[\p{L}']*$/u.exec(field.value.slice(0, caret))?.[0] ?? '';
      const after = /^[\p{L}']*/u.exec(field.value.slice(caret))?.[0] ?? '';
      wordAtCaret = before + after;
    }
    const link = target?.closest('a[href]') ?? null;
    const image = target?.closest('img') ?? null;
    void contextMenu({
      x: event.clientX,
      y: event.clientY,
      isEditable: editable !== null,
      selectionText,
      wordAtCaret,
      linkURL: link ? link.href : '',
      mediaType: image ? 'image' : 'none',
      srcURL: image ? image.src : '',
      hasImageContents: image !== null && image.complete && image.naturalWidth > 0,
      editFlags: {
        canCut: editable !== null && selectionText !== '',
        canCopy: selectionText !== '',
        canPaste: editable !== null,
        canSelectAll: true,
      },
    }).catch(() => undefined);
  }

  // Preloads run in the top frame only (webPreferences.nodeIntegrationInSubFrames is off).
  if (window !== window.top && !config.nodeIntegrationInSubFrames) return null;

  const clone = (value) => (value === undefined ? undefined : structuredClone(value));
  // Electron's IPC keeps ArrayBuffers and typed arrays (structured clone); Playwright's binding
  // carries JSON, so bytes cross it tagged and are rebuilt on the other side (launch.ts too).
  const BYTES = '__parleyStandInBytes';
  const AS_BUFFER = '__parleyStandInArrayBuffer';
  const toWire = (value) => {
    if (value instanceof ArrayBuffer)
      return { [BYTES]: Array.from(new Uint8Array(value)), [AS_BUFFER]: true };
    if (value instanceof Uint8Array) return { [BYTES]: Array.from(value) };
    if (Array.isArray(value)) return value.map(toWire);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toWire(item)]));
    }
    return value;
  };
  const fromWire = (value) => {
    if (Array.isArray(value)) return value.map(fromWire);
    if (value !== null && typeof value === 'object') {
      if (Array.isArray(value[BYTES])) {
        const bytes = Uint8Array.from(value[BYTES]);
        return value[AS_BUFFER] ? bytes.buffer : bytes;
      }
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fromWire(item)]));
    }
    return value;
  };
  // contextBridge copies values between worlds; functions become proxies that copy again.
  const copy = (value) => {
    if (typeof value === 'function') {
      return (...args) => {
        const result = value(...args.map((arg) => (typeof arg === 'function' ? arg : copy(arg))));
        return result instanceof Promise ? result.then(copy) : copy(result);
      };
    }
    if (Array.isArray(value)) return value.map(copy);
    // Cloneable types (ArrayBuffer, typed arrays) cross as structured clones, as in Electron.
    if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return structuredClone(value);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, copy(item)]));
    }
    return value;
  };
  const deepFreeze = (value) => {
    if ((typeof value === 'object' || typeof value === 'function') && value !== null) {
      Object.freeze(value);
      for (const key of Object.keys(value)) deepFreeze(value[key]);
    }
    return value;
  };
  const contextBridge = {
    exposeInMainWorld(key, api) {
      if (Object.prototype.hasOwnProperty.call(window, key)) {
        throw new Error('Cannot bind an API on top of an existing property on the window object');
      }
      Object.defineProperty(window, key, {
        value: deepFreeze(copy(api)),
        writable: false,
        configurable: false,
        enumerable: true,
      });
    },
  };

  const listeners = new Map();
  const ipcRenderer = {
    invoke: (channel, ...args) =>
      invoke(channel, toWire(clone(args)))
        .then(fromWire)
        .catch((error) => {
          throw new Error(`Error invoking remote method '${channel}': ${error?.message ?? error}`);
        }),
    on(channel, listener) {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel).add(listener);
      return ipcRenderer;
    },
    removeListener(channel, listener) {
      listeners.get(channel)?.delete(listener);
      return ipcRenderer;
    },
    removeAllListeners(channel) {
      listeners.delete(channel);
      return ipcRenderer;
    },
  };
  // webContents.send arrives here (page.evaluate from the stand-in's BrowserWindow).
  Object.defineProperty(g, Symbol.for('parley.electron-stand-in.dispatch'), {
    value: (channel, payload) => {
      const event = { sender: ipcRenderer, senderId: 0, ports: [] };
      const current = [...(listeners.get(channel) ?? [])];
      for (const listener of current) listener(event, clone(payload));
      return current.length;
    },
  });

  const require = (name) => {
    if (name === 'electron') return { contextBridge, ipcRenderer };
    throw new Error(`module not found: ${name} (a sandboxed preload can only require 'electron')`);
  };
  return { require, module: { exports: {} } };
}
