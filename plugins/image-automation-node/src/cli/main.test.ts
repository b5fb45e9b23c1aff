import { main } from './main';
import { CliIo } from './verbs';

function captureIo(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    cwd: process.cwd(),
    stdout: (text: string) => {
      io.out += text;
    },
    stderr: (text: string) => {
      io.err += text;
    },
    readStdin: async () => '',
  };
  return io;
}

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
