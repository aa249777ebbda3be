import type { Rect } from '@/lib/actions/types';

const MARGIN = 3;

/** Paints over rectangles given in CSS pixels of a viewport `viewportWidth` wide. */
export async function redact(image: Blob, rects: Rect[], viewportWidth: number): Promise<Blob> {
  if (!rects.length) return image;
  const bitmap = await createImageBitmap(image);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2d context to redact with');
  context.drawImage(bitmap, 0, 0);
  const scale = bitmap.width / viewportWidth;
  context.fillStyle = '#3c3c3c';
  for (const rect of rects) {
    context.fillRect(
      (rect.x - MARGIN) * scale,
      (rect.y - MARGIN) * scale,
      (rect.width + 2 * MARGIN) * scale,
      (rect.height + 2 * MARGIN) * scale,
    );
  }
  return canvas.convertToBlob({ type: 'image/jpeg', quality: 0.7 });
}
