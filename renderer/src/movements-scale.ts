/**
 * The value axis of the movements chart, where units in go up and units out go down. Chart.js,
 * left to itself, ticked -200, 200, 600 … in a 240 px card (it skips every other label when they
 * crowd), so the zero line had no label and the "-200" showed as "200" under it. Here the steps
 * are chosen so that zero is always a tick and the labels never need skipping.
 */
export type MovementsScale = { min: number; max: number; stepSize: number };

/** At most this many steps from the lowest tick to the highest, so no label is skipped. */
const MAX_STEPS = 5;

/** 1, 2 or 5 times a power of ten, at least `raw`. */
function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const normal = raw / magnitude;
  return (normal <= 1 ? 1 : normal <= 2 ? 2 : normal <= 5 ? 5 : 10) * magnitude;
}

export function movementsScale(maxIn: number, maxOut: number): MovementsScale {
  const up = Math.max(0, maxIn);
  const down = Math.max(0, maxOut);
  let stepSize = niceStep(Math.max(1, (up + down) / (MAX_STEPS - 1)));
  // Rounding each side up to a whole step can take one step more than planned.
  while (Math.ceil(up / stepSize) + Math.ceil(down / stepSize) > MAX_STEPS) stepSize = niceStep(stepSize * 1.01);
  return { min: -Math.ceil(down / stepSize) * stepSize || 0, max: Math.max(1, Math.ceil(up / stepSize)) * stepSize, stepSize };
}
