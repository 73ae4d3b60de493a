/**
 * Draws barcodes, and is the only file that knows the barcode library (bwip-js, the JavaScript
 * port of Barcode Writer in Pure PostScript): its encoders check every symbology's rules (check
 * digits, Code 128 character sets) and draw plain SVG, text included as outlines, with no canvas
 * and no font to load, so the same vector bars reach the screen, the printer and the PDF.
 */
import { code128, drawingSVG, ean13, ean8, upca, type RenderOptions } from 'bwip-js/browser';
import type { BarcodeKind } from './label-barcode';

type Encoder = (options: RenderOptions, drawing: ReturnType<typeof drawingSVG>) => string;

/**
 * Per symbology: its encoder, and how it keeps the white space a scanner needs on each side (the
 * quiet zone), which the label's own margin must not be trusted with. EAN-13 and EAN-8 draw GS1's
 * `<` and `>` marks in theirs (guardwhitespace); UPC-A prints its outer digits there instead (a
 * mark would overprint the check digit); Code 128 gets its ten modules as padding.
 */
const SYMBOLOGIES: Record<BarcodeKind, { encode: Encoder; options: Partial<RenderOptions> }> = {
  ean13: { encode: ean13, options: { guardwhitespace: true } },
  upca: { encode: upca, options: {} },
  ean8: { encode: ean8, options: { guardwhitespace: true } },
  code128: { encode: code128, options: { paddingleft: 10, paddingright: 10, textxalign: 'center' } },
};

/** bwip-js draws at 72 units an inch, one unit a module at scale 1; heights are given in millimetres. */
const UNITS_PER_MM = 72 / 25.4;
const PROBE_HEIGHT_MM = 10;
/** Bars no flatter than this share of the symbol's width, and no taller (a tall box gets space around). */
const MIN_BARS = 0.15;
const MAX_BARS = 0.5;

export type BarcodeSvg = {
  /** The SVG document, human-readable text under the bars included. */
  svg: string;
  /** The symbol's width in modules (narrow bars), quiet zones included: how dense it prints. */
  modules: number;
  /** Its width ÷ its height, to tell how wide it is drawn in a box of another shape. */
  aspect: number;
};

function draw(kind: BarcodeKind, value: string, heightMm: number): string {
  const { encode, options } = SYMBOLOGIES[kind];
  return encode({ bcid: kind, text: value, scale: 1, height: heightMm, includetext: true, ...options }, drawingSVG());
}

function viewBox(svg: string): { width: number; height: number } {
  const match = /viewBox="0 0 ([\d.]+) ([\d.]+)"/.exec(svg);
  if (!match) throw new Error('the barcode library drew an SVG without a viewBox');
  return { width: Number(match[1]), height: Number(match[2]) };
}

/**
 * The barcode `kind` for `value` as SVG, its bars as tall as a box of `aspect` (width ÷ height)
 * allows, so it fills the space a label leaves it. Throws when the value breaks the symbology's
 * rules (a wrong check digit, a letter in an EAN); chooseBarcode never asks for such a one.
 */
export function renderBarcodeSvg(kind: BarcodeKind, value: string, aspect = 3): BarcodeSvg {
  // One probe tells the symbol's width (fixed by the value) and the height its text takes.
  const probe = viewBox(draw(kind, value, PROBE_HEIGHT_MM));
  const textUnits = probe.height - PROBE_HEIGHT_MM * UNITS_PER_MM;
  const wanted = probe.width / aspect - textUnits;
  const bars = Math.min(Math.max(wanted, probe.width * MIN_BARS), probe.width * MAX_BARS);
  const heightMm = Math.round((bars / UNITS_PER_MM) * 10) / 10;
  const svg = draw(kind, value, heightMm);
  const box = viewBox(svg);
  return { svg, modules: probe.width, aspect: box.width / box.height };
}

/** The SVG as an image address (`<img src>`): an image runs no script, whatever the SVG held. */
export function svgDataUrl(svg: string): string {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}
