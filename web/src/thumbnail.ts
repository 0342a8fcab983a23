// A small JPEG preview of an image, sent base64 inside the message so the recipient sees something
// before fetching the file, as the SDK's Thumbnails: at most 320 px on the longer side, shrunk until
// its base64 text fits in 16 KB.

import { toBase64 } from "./media";

const MAX_THUMBNAIL_BASE64_CHARS = 16 * 1024;
const LONGER_SIDES = [320, 240, 160, 96, 64];
const JPEG_QUALITIES = [0.7, 0.55, 0.4];

function jpeg(canvas: HTMLCanvasElement, quality: number): Promise<Blob | null> {
  return new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
}

/** The thumbnail, or undefined when the browser cannot decode the file as an image. */
export async function jpegThumbnail(file: Blob): Promise<string | undefined> {
  let image: ImageBitmap;
  try {
    image = await createImageBitmap(file);
  } catch {
    return undefined;
  }
  try {
    for (const longerSide of LONGER_SIDES) {
      const scale = Math.min(1, longerSide / Math.max(image.width, image.height));
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(image.width * scale));
      canvas.height = Math.max(1, Math.round(image.height * scale));
      const context = canvas.getContext("2d");
      if (context === null) {
        return undefined;
      }
      // JPEG has no transparency: shown white, as the SDK does.
      context.fillStyle = "#fff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      for (const quality of JPEG_QUALITIES) {
        const blob = await jpeg(canvas, quality);
        if (blob !== null) {
          const base64 = toBase64(new Uint8Array(await blob.arrayBuffer()));
          if (base64.length <= MAX_THUMBNAIL_BASE64_CHARS) {
            return base64;
          }
        }
      }
    }
    return undefined;
  } finally {
    image.close();
  }
}
