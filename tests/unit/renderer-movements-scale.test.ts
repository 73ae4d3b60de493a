import { describe, expect, it } from 'vitest';
import { movementsScale } from '../../renderer/src/movements-scale';

function ticks(scale: { min: number; max: number; stepSize: number }): number[] {
  const list: number[] = [];
  for (let v = scale.min; v <= scale.max + 1e-9; v += scale.stepSize) list.push(Math.round(v * 1e6) / 1e6);
  return list;
}

describe('movements chart axis', () => {
  it('has zero as a tick when units went both in and out (the dashboard showed -200, 200, 600 … for 1,715 in and 4 out)', () => {
    const scale = movementsScale(1715, 4);
    expect(ticks(scale)).toEqual([-500, 0, 500, 1000, 1500, 2000]);
  });

  it('covers both sides with at most six labels, zero always among them', () => {
    for (const [maxIn, maxOut] of [
      [0, 0],
      [3, 0],
      [0, 7],
      [12, 12],
      [99, 1],
      [100, 100],
      [512, 0],
      [1, 100_000],
      [123_456, 7_890],
    ] as const) {
      const scale = movementsScale(maxIn, maxOut);
      const list = ticks(scale);
      expect(list, `${maxIn} in, ${maxOut} out`).toContain(0);
      expect(list.length, `${maxIn} in, ${maxOut} out`).toBeLessThanOrEqual(6);
      expect(scale.max, `${maxIn} in`).toBeGreaterThanOrEqual(maxIn);
      expect(-scale.min, `${maxOut} out`).toBeGreaterThanOrEqual(maxOut);
      expect(Number.isInteger(scale.stepSize)).toBe(true);
    }
  });

  it('starts at zero when nothing went out', () => {
    expect(movementsScale(512, 0)).toEqual({ min: 0, max: 600, stepSize: 200 });
    expect(movementsScale(0, 0)).toEqual({ min: 0, max: 1, stepSize: 1 });
  });
});
