import { utf8ByteLength } from '../../src/api/field-rules';

test('utf8ByteLength counts UTF-8 bytes, not UTF-16 units', () => {
  expect(utf8ByteLength('aé€👋')).toBe(1 + 2 + 3 + 4);
});
