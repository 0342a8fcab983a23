// Moving encrypted files to and from object storage with the presigned URLs the server hands out.

import type { Bytes } from "./media";

// Headers a browser sets itself and refuses from a script (with a console error); it sends the
// right values for them anyway (the Content-Length of the body, the host of the URL).
const SET_BY_BROWSER = new Set(["content-length", "host", "connection", "expect", "transfer-encoding"]);

/** PUTs the blob with exactly the signed headers; `progress` hears the fraction sent, 0 to 1. */
export function upload(
  url: string,
  headers: Record<string, string>,
  blob: Bytes,
  progress: (fraction: number) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("PUT", url);
    for (const [name, value] of Object.entries(headers)) {
      if (!SET_BY_BROWSER.has(name.toLowerCase())) {
        request.setRequestHeader(name, value);
      }
    }
    request.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) {
        progress(event.loaded / event.total);
      }
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        progress(1);
        resolve();
      } else {
        reject(new Error(`storage refused the upload (HTTP ${request.status})`));
      }
    };
    request.onerror = () => reject(new Error("the upload was cut off"));
    request.send(blob);
  });
}

export async function download(url: string): Promise<Bytes> {
  const response = await fetch(url);
  if (!response.ok) {
    throw new Error(`storage refused the download (HTTP ${response.status})`);
  }
  return new Uint8Array(await response.arrayBuffer());
}
