/**
 * A line's barcode as the image the labels show, fitted to the label's barcode box, with how fine
 * its bars print there. Kept per symbol and box shape, so changing a quantity does not draw every
 * barcode again.
 */
import { renderBarcodeSvg, svgDataUrl } from './barcode-svg';
import { describeBarcode, type LabelBarcode } from './label-barcode';
import { MIN_MODULE_MM, printedModuleMm, type LabelContentLayout } from './label-content';

export type BarcodeImage =
  | { ok: true; url: string; alt: string; moduleMm: number; tooDense: boolean }
  | { ok: false; alt: string; problem: string };

const CACHE_LIMIT = 500;
const cache = new Map<string, BarcodeImage>();

export function barcodeImage(barcode: LabelBarcode, layout: LabelContentLayout): BarcodeImage {
  const aspect = Math.round((layout.barcodeWidthMm / layout.barcodeHeightMm) * 100) / 100;
  const key = `${barcode.kind} ${aspect} ${layout.barcodeWidthMm} ${barcode.value}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const alt = describeBarcode(barcode);
  let image: BarcodeImage;
  try {
    const drawn = renderBarcodeSvg(barcode.kind, barcode.value, aspect);
    const moduleMm = printedModuleMm(layout, drawn);
    image = { ok: true, url: svgDataUrl(drawn.svg), alt, moduleMm, tooDense: moduleMm < MIN_MODULE_MM[barcode.kind] };
  } catch (failure) {
    // The symbology's own rule (a character Code 128 cannot carry): shown on the line, never printed.
    image = { ok: false, alt, problem: failure instanceof Error ? failure.message : String(failure) };
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, image);
  return image;
}
