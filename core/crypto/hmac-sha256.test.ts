import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { HMAC_SHA256_BYTES, hmacSha256 } from './hmac-sha256.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** RFC 4231 §4, HMAC-SHA-256 (case 5, a truncated output, is case 1's method again). */
const rfc4231 = [
  { key: '0b'.repeat(20), data: Buffer.from('Hi There'), mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7' },
  { key: Buffer.from('Jefe').toString('hex'), data: Buffer.from('what do ya want for nothing?'), mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843' },
  { key: 'aa'.repeat(20), data: Buffer.alloc(50, 0xdd), mac: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe' },
  { key: '0102030405060708090a0b0c0d0e0f10111213141516171819', data: Buffer.alloc(50, 0xcd), mac: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b' },
  {
    key: 'aa'.repeat(131),
    data: Buffer.from('Test Using Larger Than Block-Size Key - Hash Key First'),
    mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  },
  {
    key: 'aa'.repeat(131),
    data: Buffer.from('This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.'),
    mac: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  },
];

describe('hmacSha256', () => {
  it.each(rfc4231.map((vector, i) => ({ ...vector, case: i + 1 })))('gives RFC 4231 vector $case', ({ key, data, mac }) => {
    expect(hex(hmacSha256(Buffer.from(key, 'hex')).digest(data))).toBe(mac);
  });

  it('equals createHmac for random keys and messages of every length around the block edges', () => {
    for (let round = 0; round < 600; round++) {
      const key = randomBytes(randomInt(0, 140));
      const message = randomBytes(round % 200);
      expect(hex(hmacSha256(key).digest(message)), `key ${key.length} B, message ${message.length} B`).toBe(createHmac('sha256', key).update(message).digest('hex'));
    }
  });

  it('hashes a string as createHmac does: ASCII as is, anything else as UTF-8', () => {
    const key = randomBytes(32);
    const mac = hmacSha256(key);
    for (const text of ['', 'OM4Eghau3NieEHnmw9NzlQ', '1A0000G00000014Q9ZP3XRSW2M5V0D', 'é', '扫码领奖 🎁', 'x'.repeat(130)])
      expect(hex(mac.digest(text)), text).toBe(createHmac('sha256', key).update(text).digest('hex'));
  });

  it('answers the same for the same input however many calls come between, and writes into `out` when given one', () => {
    const mac = hmacSha256(randomBytes(32));
    const first = hex(mac.digest('first'));
    for (let i = 0; i < 50; i++) mac.digest(randomBytes(i));
    expect(hex(mac.digest('first'))).toBe(first);

    const out = new Uint8Array(HMAC_SHA256_BYTES);
    expect(mac.digest('first', out)).toBe(out);
    expect(hex(out)).toBe(first);
  });

  it('keeps keys apart: two keys used in turn each give their own createHmac result', () => {
    const [keyA, keyB] = [randomBytes(32), randomBytes(32)];
    const [macA, macB] = [hmacSha256(keyA), hmacSha256(keyB)];
    for (const message of ['a', 'b', 'a']) {
      expect(hex(macA.digest(message))).toBe(createHmac('sha256', keyA).update(message).digest('hex'));
      expect(hex(macB.digest(message))).toBe(createHmac('sha256', keyB).update(message).digest('hex'));
    }
  });
});
