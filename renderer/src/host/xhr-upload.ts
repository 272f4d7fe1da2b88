import type { UploadTransport } from '@parley/shared/client';

/**
 * The web host's upload transport: XMLHttpRequest, the one browser API with upload progress
 * (fetch cannot stream a request body over HTTP/1.1). The form is the browser's own multipart.
 */
export const xhrUploadTransport: UploadTransport = ({ url, token, file, onProgress, signal }) =>
  new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const total = file.bytes.byteLength;
    const onAbort = () => xhr.abort();
    xhr.open('POST', url);
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('accept', 'application/json');
    // The event counts the multipart framing too; report the file's share of it.
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(Math.round((e.loaded / e.total) * total), total);
    };
    xhr.onload = () => {
      signal.removeEventListener('abort', onAbort);
      resolve({ status: xhr.status, body: xhr.responseText });
    };
    xhr.onerror = () => {
      signal.removeEventListener('abort', onAbort);
      reject(new Error('the connection failed'));
    };
    xhr.onabort = () => reject(new Error('cancelled'));
    signal.addEventListener('abort', onAbort, { once: true });
    const form = new FormData();
    form.append('file', new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.type }), file.name);
    onProgress(0, total);
    xhr.send(form);
  });
