import { writeFileSync } from 'node:fs';
import { BinaryBitmap, HybridBinarizer, QRCodeReader, RGBLuminanceSource } from '@zxing/library';
import QRCode from 'qrcode';

/** Luma of the frames: video range (16 black, 235 white), what Chromium turns into RGB 0 and 255. */
const BLACK = 16;
const WHITE = 235;

/** Where the QR sits in the frame: module size in pixels and the top-left corner of the symbol. */
interface Layout {
  scale: number;
  left: number;
  top: number;
}

function renderLuma(modules: { size: number; get(row: number, col: number): number | boolean }, size: number, layout: Layout): Buffer {
  const luma = Buffer.alloc(size * size, WHITE);
  const { scale, left, top } = layout;
  const first = Math.max(0, Math.floor(Math.min(left, top)));
  const last = Math.min(size, Math.ceil(Math.max(left, top) + modules.size * scale));
  // each pixel is the mean of 4 samples, so a module size that is not a whole number of pixels gives grey edges, as
  // a camera does
  const dark = (x: number, y: number): number => {
    const col = Math.floor((x - left) / scale);
    const row = Math.floor((y - top) / scale);
    return row >= 0 && col >= 0 && row < modules.size && col < modules.size && modules.get(row, col) ? 1 : 0;
  };
  for (let y = first; y < last; y += 1) {
    for (let x = first; x < last; x += 1) {
      const share = (dark(x + 0.25, y + 0.25) + dark(x + 0.75, y + 0.25) + dark(x + 0.25, y + 0.75) + dark(x + 0.75, y + 0.75)) / 4;
      if (share > 0) luma[y * size + x] = Math.round(WHITE - share * (WHITE - BLACK));
    }
  }
  return luma;
}

/** What zxing (HybridBinarizer + QRCodeReader, as in the page) reads from a frame whose canvas pixels are `luma`. */
function zxingReads(luma: Buffer, size: number): string | null {
  const grey = new Uint8ClampedArray(luma.length);
  for (let i = 0; i < luma.length; i += 1) grey[i] = Math.round(((luma[i]! - BLACK) * 255) / (WHITE - BLACK));
  try {
    return new QRCodeReader().decode(new BinaryBitmap(new HybridBinarizer(new RGBLuminanceSource(grey, size, size)))).getText();
  } catch {
    return null;
  }
}

/**
 * A Y4M video (what Chromium's --use-file-for-fake-video-capture plays, in a loop) showing `text` as a QR code:
 * black modules on white with at least 4 modules of quiet zone, grey-free 4:2:0 frames. No ffmpeg needed.
 *
 * zxing-js (0.23) does not find every QR code in a sharp synthetic frame: for meal codes (version 15, 77 modules)
 * drawn at a whole 8 px per module, as this file used to, about one code in five is read in no frame ("Dimensions
 * could be not found." or no finder patterns), at 5–6 px about two in five; which codes fail depends on the code's
 * bits and the module size (zxing-js/library#616). A real camera never delivers the same frame twice; this file
 * does, so with such a code the page retried one unreadable picture until the test gave up, and since the meal
 * code's signature is new in every run, the test failed at random (both attempts: same browser, same video).
 * So the QR is placed (module size, position) where zxing, run here as the page runs it on the frame's pixels,
 * reads it; a code that no placement makes readable throws here instead of timing out in the browser.
 */
export function writeQrY4m(path: string, text: string, options: { size?: number; frames?: number } = {}): void {
  const size = options.size ?? 720;
  const frames = options.frames ?? 4;
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const modules = qr.modules.size;
  const quiet = 4;
  const largest = size / (modules + 2 * quiet);
  const layouts: Layout[] = [];
  for (let step = 0; step < 30; step += 1) {
    const scale = largest * (1 - step * 0.02); // down to about 40 % of the largest: a phone held farther away
    const centred = (size - modules * scale) / 2;
    const shift = ((step % 3) - 1) * 0.3 * scale; // a third of a module left or right, up or down
    layouts.push({ scale, left: centred + shift, top: centred - shift / 2 });
  }
  for (const scale of [4, 3, 2]) {
    const centred = Math.floor((size - modules * scale) / 2);
    layouts.push({ scale, left: centred, top: centred });
  }
  let readable: Buffer | undefined;
  for (const layout of layouts) {
    const luma = renderLuma(qr.modules, size, layout);
    if (zxingReads(luma, size) === text) {
      readable = luma;
      break;
    }
  }
  if (!readable) throw new Error(`fake camera: zxing reads the QR of ${JSON.stringify(text)} in none of ${layouts.length} placements`);
  const chroma = Buffer.alloc((size / 2) * (size / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), readable, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${size} H${size} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}
