import { isIP } from 'node:net';

/*
 * Which IP addresses a registry request may reach without an explicit host
 * entry. Parsed by hand rather than with string prefixes because the same
 * address has many spellings (::ffff:127.0.0.1, ::ffff:7f00:1, 0:0::1, …) and
 * SSRF filters are usually bypassed through exactly those spellings.
 */

/** The address as 4 (IPv4) or 16 (IPv6) bytes, or undefined if not an IP. */
export function parseIp(address: string): number[] | undefined {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 4) return bare.split('.').map(Number);
  if (version !== 6) return undefined;
  let tail: number[] = [];
  let text = bare;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = dotted[1].split('.').map(Number);
    tail = [v4[0], v4[1], v4[2], v4[3]];
    text = `${text.slice(0, -dotted[1].length)}0:0`;
  }
  const [head, rest] = text.includes('::')
    ? text.split('::')
    : [text, undefined];
  const groups = (part: string | undefined) =>
    part
      ? part
          .split(':')
          .filter(Boolean)
          .map(g => parseInt(g, 16))
      : [];
  const left = groups(head);
  const right = groups(rest);
  const words =
    rest === undefined
      ? left
      : [
          ...left,
          ...new Array(8 - left.length - right.length).fill(0),
          ...right,
        ];
  const bytes = words.flatMap(w => [w >> 8, w & 0xff]);
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

function inV4(bytes: number[], prefix: number[], bits: number): boolean {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if ((bytes[byte] & mask) !== (prefix[byte] & mask)) return false;
  }
  return true;
}

const PRIVATE_V4: Array<[number[], number]> = [
  [[0, 0, 0, 0], 8], // "this network"
  [[10, 0, 0, 0], 8],
  [[100, 64, 0, 0], 10], // carrier-grade NAT
  [[127, 0, 0, 0], 8],
  [[169, 254, 0, 0], 16], // link-local, cloud metadata (169.254.169.254)
  [[172, 16, 0, 0], 12],
  [[192, 0, 0, 0], 24],
  [[192, 168, 0, 0], 16],
  [[198, 18, 0, 0], 15], // benchmarking
  [[224, 0, 0, 0], 4], // multicast
  [[240, 0, 0, 0], 4], // reserved and broadcast
];

function isPrivateV4(bytes: number[]): boolean {
  return PRIVATE_V4.some(([prefix, bits]) => inV4(bytes, prefix, bits));
}

/**
 * True for loopback, private, link-local, unique-local, multicast and
 * unspecified addresses, including IPv4 addresses embedded in IPv6
 * (IPv4-mapped, IPv4-compatible and NAT64). Anything that is not an IP
 * address counts as private, so a parse failure never opens the gate.
 */
export function isPrivateAddress(address: string): boolean {
  const bytes = parseIp(address);
  if (!bytes) return true;
  if (bytes.length === 4) return isPrivateV4(bytes);
  const firstTen = bytes.slice(0, 10).every(b => b === 0);
  const v4 = bytes.slice(12);
  // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, also :: and ::1)
  if (
    firstTen &&
    ((bytes[10] === 0xff && bytes[11] === 0xff) ||
      (bytes[10] === 0 && bytes[11] === 0))
  ) {
    return isPrivateV4(v4);
  }
  // 64:ff9b::/96 NAT64 carries an IPv4 address in its last 32 bits
  if (
    bytes[0] === 0x00 &&
    bytes[1] === 0x64 &&
    bytes[2] === 0xff &&
    bytes[3] === 0x9b &&
    bytes.slice(4, 12).every(b => b === 0)
  ) {
    return isPrivateV4(v4);
  }
  if ((bytes[0] & 0xfe) === 0xfc) return true; // fc00::/7 unique local
  if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0x80) return true; // fe80::/10
  if (bytes[0] === 0xfe && (bytes[1] & 0xc0) === 0xc0) return true; // fec0::/10
  if (bytes[0] === 0xff) return true; // multicast
  return false;
}
