import { describe, expect, it } from 'vitest';
import { codeSlice, locationFarFrom, locationInside, splitPool, typo } from './pools.js';

const shanghai = [120.85, 30.67, 122.2, 31.88];
const inside = (bbox: number[], { lat, lon }: { lat: number; lon: number }) => lon >= bbox[0]! && lat >= bbox[1]! && lon <= bbox[2]! && lat <= bbox[3]!;

describe('code pools, locations and addresses', () => {
  it('hands out disjoint slices and refuses to run past one', () => {
    const codes = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
    const { first, second } = splitPool(codes, { first: 0.3, second: 0.5 });
    expect([first!.take(0), first!.take(2), second!.take(0), second!.take(4)]).toEqual(['a', 'c', 'd', 'h']);
    expect(() => first!.take(3)).toThrow(/ran out/);
    expect(() => codeSlice(codes, 8, 3)).toThrow(/prepare more/);
  });

  it('puts located phones inside the box and diverters far outside it', () => {
    for (let n = 0; n < 50; n++) {
      expect(inside(shanghai, locationInside(shanghai, n))).toBe(true);
      expect(inside(shanghai, locationFarFrom(shanghai, n))).toBe(false);
    }
  });

  it('changes one character for a typo', () => {
    const code = '11000070000008FXNDACD63ENPT473';
    const mistyped = typo(code);
    expect(mistyped).toHaveLength(code.length);
    expect([...mistyped].filter((c, i) => c !== code[i])).toHaveLength(1);
    expect(typo('11000070000008FXNDACZ63ENPT473').charAt(20)).toBe('0');
  });

});
