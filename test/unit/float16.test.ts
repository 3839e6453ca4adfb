import { strict as assert } from 'node:assert';
import { float16Bits, float16Value, fromFloat16, toFloat16 } from '../../src/model/float16';

describe('float16', () => {
  it('gives back every one of the 65,536 patterns through float32 (NaNs stay NaN)', () => {
    for (let h = 0; h < 0x10000; h++) {
      const x = float16Value(h);
      if (Number.isNaN(x)) assert.ok(Number.isNaN(float16Value(float16Bits(x))), `pattern ${h}`);
      else assert.equal(float16Bits(x), h, `pattern ${h.toString(16)} (${x})`);
    }
  });

  it('rounds to the nearest half, ties to even, and overflows to infinity', () => {
    assert.equal(float16Value(float16Bits(1 + 2 ** -11)), 1); // tie between 1 and 1 + 2^-10: the even one
    assert.equal(float16Value(float16Bits(1 + 3 * 2 ** -11)), 1 + 2 * 2 ** -10); // tie: rounds up to even
    assert.equal(float16Value(float16Bits(1 + 2 ** -11 + 2 ** -20)), 1 + 2 ** -10);
    assert.equal(float16Value(float16Bits(65504)), 65504);
    assert.equal(float16Value(float16Bits(65520)), Infinity);
    assert.equal(float16Value(float16Bits(-1e6)), -Infinity);
    assert.equal(float16Value(float16Bits(2 ** -25)), 0); // halfway to the smallest subnormal: ties to even (0)
    assert.equal(float16Value(float16Bits(3 * 2 ** -26)), 2 ** -24);
    assert.equal(float16Value(float16Bits(-0)), -0);
  });

  it('keeps weights to a relative error under 2^-11 in the normal range', () => {
    const values = Float32Array.from({ length: 10_000 }, (_, i) => Math.sin(i * 12.9898) * 3);
    const back = fromFloat16(toFloat16(values));
    for (let i = 0; i < values.length; i++) {
      if (Math.abs(values[i]) < 2 ** -14) continue;
      assert.ok(Math.abs(back[i] - values[i]) <= Math.abs(values[i]) * 2 ** -11, `${values[i]} -> ${back[i]}`);
    }
  });
});
