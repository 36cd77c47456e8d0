import { describe, expect, it } from 'vitest';
import { positionedFromJson, sliceNormal, spatialOrder } from './sortInstances';

const AXIAL = [1, 0, 0, 0, 1, 0];

function inst(z: number, n: number, ori: number[] | null = AXIAL) {
  return {
    '00200032': { vr: 'DS', Value: [-200, -200, z] },
    ...(ori ? { '00200037': { vr: 'DS', Value: ori } } : {}),
    '00200013': { vr: 'IS', Value: [n] },
  };
}

describe('spatialOrder', () => {
  it('sorts axial slices by position along the normal, not by instance number', () => {
    const items = [inst(10, 1), inst(-5, 2), inst(2.5, 3), inst(0, 4)].map(positionedFromJson);
    expect(spatialOrder(items)).toEqual([1, 3, 2, 0]);
  });
  it('accepts DS values given as strings', () => {
    const a = { '00200032': { vr: 'DS', Value: ['0', '0', '5'] }, '00200037': { vr: 'DS', Value: AXIAL.map(String) } };
    const b = { '00200032': { vr: 'DS', Value: ['0', '0', '-5'] }, '00200037': { vr: 'DS', Value: AXIAL.map(String) } };
    expect(spatialOrder([a, b].map(positionedFromJson))).toEqual([1, 0]);
  });
  it('uses the slice normal for oblique/sagittal stacks', () => {
    const sag = [0, 1, 0, 0, 0, -1]; // rows along +y, columns along -z: normal = -x
    expect(sliceNormal(sag)).toEqual([-1, 0, 0]);
    const mk = (x: number) => ({
      '00200032': { vr: 'DS', Value: [x, 0, 0] },
      '00200037': { vr: 'DS', Value: sag },
    });
    expect(spatialOrder([mk(1), mk(3), mk(2)].map(positionedFromJson))).toEqual([1, 2, 0]);
  });
  it('falls back to instance number without geometry', () => {
    const items = [inst(0, 3, null), inst(0, 1, null), inst(0, 2, null)].map((i) => {
      const p = positionedFromJson(i);
      return { ...p, position: null };
    });
    expect(spatialOrder(items)).toEqual([1, 2, 0]);
  });
});
