import { main } from './main';
import { captureIo } from './__testUtils__/cliIo';

describe('image-automation CLI', () => {
  it('lists every verb of SPEC §6 in --help', async () => {
    const io = captureIo();
    expect(await main(['--help'], io)).toBe(0);
    for (const verb of ['policy', 'apply', 'lint', 'plan']) {
      expect(io.out).toMatch(new RegExp(`^  ${verb} `, 'm'));
    }
  });

  it('rejects an unknown verb with exit 2', async () => {
    const io = captureIo();
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(io.err).toContain('unknown verb "frobnicate"');
  });
});
