import { checkDestination, checkUrlShape, isForbiddenAddress } from './webhook-ssrf.js';

describe('webhook SSRF rules', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    'fc00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '64:ff9b::a9fe:a9fe',
    '2002:0a00:0001::1',
  ])('refuses %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (ip) => {
    expect(isForbiddenAddress(ip)).toBe(false);
  });

  it('accepts only http(s) URLs without credentials', () => {
    expect(checkUrlShape('ftp://example.com/')).toBe('scheme');
    expect(checkUrlShape('file:///etc/passwd')).toBe('scheme');
    expect(checkUrlShape('https://user:pw@example.com/')).toBe('credentials');
    expect(checkUrlShape('not a url')).toBe('host');
    expect(checkUrlShape('https://example.com/hook')).toBeNull();
  });

  it('checks every resolved address, and lets private networks through only when allowed', async () => {
    await expect(checkDestination('http://localhost:9/hook', false)).resolves.toBe('private');
    await expect(checkDestination('http://[::1]:9/hook', false)).resolves.toBe('private');
    await expect(checkDestination('http://127.0.0.1:9/hook', true)).resolves.toBeNull();
  });
});
