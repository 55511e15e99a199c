import type { NetworkInterfaceInfo } from 'node:os';
import { listenUrls } from './listen-urls.js';

const nic = (address: string, family: 'IPv4' | 'IPv6', internal = false) =>
  ({ address, family, internal, netmask: '', mac: '', cidr: null }) as NetworkInterfaceInfo;

describe('listenUrls (what pnpm start prints)', () => {
  const interfaces = {
    lo: [nic('127.0.0.1', 'IPv4', true), nic('::1', 'IPv6', true)],
    wlan0: [nic('192.168.1.23', 'IPv4'), nic('fe80::1', 'IPv6')],
    eth0: [nic('10.0.0.5', 'IPv4')],
  };

  it('lists every non-internal IPv4 address when listening on all interfaces', () => {
    expect(listenUrls('0.0.0.0', 3000, interfaces)).toEqual(['http://192.168.1.23:3000', 'http://10.0.0.5:3000']);
    expect(listenUrls('::', 8080, interfaces)).toEqual(['http://192.168.1.23:8080', 'http://10.0.0.5:8080']);
  });

  it('lists only the address it was told to listen on, and nothing for loopback (not reachable from a phone)', () => {
    expect(listenUrls('192.168.1.23', 3000, interfaces)).toEqual(['http://192.168.1.23:3000']);
    expect(listenUrls('127.0.0.1', 3000, interfaces)).toEqual([]);
    expect(listenUrls('0.0.0.0', 3000, { lo: interfaces.lo })).toEqual([]);
  });
});
