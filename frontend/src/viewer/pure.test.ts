import { describe, expect, it } from 'vitest';
import { centredOn, slicedTo } from './camera';
import { rangeToWindow, windowToRange } from './presets';
import type { Vec3 } from '../types';

describe('window presets', () => {
  it('converts width/level to a VOI range and back', () => {
    expect(windowToRange(2000, 500)).toEqual({ lower: -500, upper: 1500 });
    expect(windowToRange(400, 40)).toEqual({ lower: -160, upper: 240 });
    expect(rangeToWindow({ lower: -160, upper: 240 })).toEqual({ width: 400, level: 40 });
  });
});

describe('camera centring', () => {
  const cam = { focalPoint: [0, 0, 0] as Vec3, position: [500, 0, 0] as Vec3, parallelScale: 120 };
  it('moves the focal point onto the target and keeps direction, distance and zoom', () => {
    const c = centredOn(cam, [10, 20, 30]);
    expect(c.focalPoint).toEqual([10, 20, 30]);
    expect(c.position).toEqual([510, 20, 30]);
    expect(c.parallelScale).toBe(120);
  });
  it('moves only along the normal for a slice jump', () => {
    const c = slicedTo(cam, [10, 20, 30], [1, 0, 0]);
    expect(c.focalPoint).toEqual([10, 0, 0]);
    expect(c.position).toEqual([510, 0, 0]);
  });
});
