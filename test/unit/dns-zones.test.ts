import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorldClock } from '../../server/core/clock.js';
import { FaultSwitches } from '../../server/core/faults.js';
import { MemoryTracer } from '../../server/core/tracer.js';
import { answerQuestion } from '../../server/dns/authority.js';
import { decodeMessage, encodeMessage } from '../../server/dns/message-codec.js';
import { rdataText } from '../../server/dns/presentation.js';
import { handleQuery } from '../../server/dns/query-handler.js';
import { Rcode, RRClass, RRType, type DnsQuestion } from '../../server/dns/types.js';
import { ZoneTable } from '../../server/dns/zones.js';
import { query, TEST_ZONES } from '../protocol/dns-fixture.js';

const table = () => new ZoneTable({ zones: TEST_ZONES, nsHost: 'ns.siroe.example', nsAddress: '127.0.0.9' });
const q = (name: string, type: number): DnsQuestion => ({ name, type, class: RRClass.IN });
const texts = (records: { data: Parameters<typeof rdataText>[0] }[]) => records.map((r) => rdataText(r.data));

test('zones get an SOA and an NS; relative names, @ and default TTL', () => {
  const zones = table();
  assert.deepEqual(zones.origins().sort(), ['example.com', 'example.net', 'in-addr.arpa', 'ip6.arpa', 'siroe.example']);
  const soa = zones.lookup('example.com', RRType.SOA)[0]!;
  assert.equal(rdataText(soa.data), 'ns.siroe.example hostmaster.siroe.example 1 3600 600 86400 300');
  assert.deepEqual(texts(zones.lookup('EXAMPLE.com.', RRType.NS)), ['ns.siroe.example']);
  assert.deepEqual(texts(zones.lookup('mx1.example.com', RRType.A)), ['127.0.0.1']);
  assert.equal(zones.lookup('mx1.example.com', RRType.A)[0]!.ttl, 300);
  // The DNS host itself gets an address when the spec gives it none.
  assert.deepEqual(texts(zones.lookup('ns.siroe.example', RRType.A)), ['127.0.0.9']);
});

test('answers: exact match, NODATA, NXDOMAIN, REFUSED', () => {
  const zones = table();
  const mx = answerQuestion(zones, q('example.com', RRType.MX));
  assert.equal(mx.rcode, Rcode.NOERROR);
  assert.equal(mx.authoritative, true);
  assert.deepEqual(texts(mx.answers), ['20 mx2.example.com', '10 mx1.example.com']);

  const nodata = answerQuestion(zones, q('mx1.example.com', RRType.MX));
  assert.equal(nodata.rcode, Rcode.NOERROR);
  assert.deepEqual(nodata.answers, []);
  assert.equal(nodata.authority[0]?.type, RRType.SOA);

  const nx = answerQuestion(zones, q('nobody.example.com', RRType.A));
  assert.equal(nx.rcode, Rcode.NXDOMAIN);
  assert.equal(nx.authority[0]?.name, 'example.com');

  const refused = answerQuestion(zones, q('google.com', RRType.A));
  assert.equal(refused.rcode, Rcode.REFUSED);
  assert.equal(refused.authoritative, false);
  assert.equal(answerQuestion(zones, q('example.com', RRType.AXFR)).rcode, Rcode.REFUSED);
});

test('a CNAME is followed inside our zones, and answered as is when asked for', () => {
  const zones = table();
  const a = answerQuestion(zones, q('WWW.example.com', RRType.A));
  assert.equal(a.rcode, Rcode.NOERROR);
  assert.deepEqual(texts(a.answers), ['mx1.example.com', '127.0.0.1']);
  assert.equal(a.answers[0]!.name, 'WWW.example.com', 'owner as asked');
  const cname = answerQuestion(zones, q('www.example.com', RRType.CNAME));
  assert.deepEqual(texts(cname.answers), ['mx1.example.com']);
  zones.setRecords('out.example.com', 'CNAME', ['www.google.com']);
  const out = answerQuestion(zones, q('out.example.com', RRType.A));
  assert.equal(out.rcode, Rcode.NOERROR);
  assert.deepEqual(texts(out.answers), ['www.google.com']);
  zones.setRecords('dangling.example.com', 'CNAME', ['gone.example.net']);
  const dangling = answerQuestion(zones, q('dangling.example.com', RRType.A));
  assert.equal(dangling.rcode, Rcode.NXDOMAIN);
  assert.deepEqual(texts(dangling.answers), ['gone.example.net']);
  assert.equal(dangling.authority[0]?.name, 'example.net');
  zones.setRecords('loop1.example.com', 'CNAME', ['loop2.example.com']);
  zones.setRecords('loop2.example.com', 'CNAME', ['loop1.example.com']);
  assert.equal(answerQuestion(zones, q('loop1.example.com', RRType.A)).answers.length, 2);
});

test('a CNAME cannot share its name with other data', () => {
  assert.throws(
    () =>
      new ZoneTable({
        zones: [
          {
            origin: 'x.example',
            records: [
              { name: 'a', type: 'A', value: '127.0.0.1' },
              { name: 'a', type: 'CNAME', value: 'b.x.example' },
            ],
          },
        ],
        nsHost: 'ns.x.example',
      }),
    /CNAME and other data/,
  );
  assert.throws(
    () =>
      new ZoneTable({
        zones: [{ origin: 'x.example', records: [{ name: 'a', type: 'A', value: 'not-an-ip' }] }],
        nsHost: 'ns.x.example',
      }),
    /not an IPv4 address/,
  );
});

test('reverse zones: every name on an address answers, sorted; AAAA too', () => {
  const zones = table();
  const ptr = answerQuestion(zones, q('1.0.0.127.in-addr.arpa', RRType.PTR));
  assert.deepEqual(texts(ptr.answers), [
    'mailboxa.siroe.example',
    'mta.siroe.example',
    'mx.example.net',
    'mx1.example.com',
    'smarthost.siroe.example',
  ]);
  assert.deepEqual(texts(answerQuestion(zones, q('2.0.0.127.in-addr.arpa', RRType.PTR)).answers), ['mx2.example.com']);
  assert.equal(answerQuestion(zones, q('9.9.9.9.in-addr.arpa', RRType.PTR)).rcode, Rcode.NXDOMAIN);
  const v6 = `5.2.0.0.${'0.'.repeat(20)}8.b.d.0.1.0.0.2.ip6.arpa`;
  assert.deepEqual(texts(answerQuestion(zones, q(v6, RRType.PTR)).answers), ['v6.example.com']);
});

test('setRecords adds and replaces an RRset at run time, bumps the serial, and keeps PTRs in step', () => {
  const zones = table();
  const key = `v=DKIM1; k=rsa; p=${'K'.repeat(400)}`;
  zones.setRecords('lab._domainkey.siroe.example', 'TXT', [key]);
  const txt = answerQuestion(zones, q('lab._domainkey.siroe.example', RRType.TXT));
  assert.equal(txt.rcode, Rcode.NOERROR);
  assert.deepEqual(txt.answers[0]!.data, { kind: 'TXT', texts: [key] });
  // The name in between exists now (an empty non-terminal): NODATA, not NXDOMAIN.
  assert.equal(answerQuestion(zones, q('_domainkey.siroe.example', RRType.TXT)).rcode, Rcode.NOERROR);
  const soa = zones.lookup('siroe.example', RRType.SOA)[0]!.data;
  assert.equal(soa.kind === 'SOA' ? soa.serial : -1, 2, 'the zone changed: its serial went up');

  zones.setRecords('example.net', 'MX', ['5 mx.example.net', '15 backup.example.net']);
  assert.deepEqual(texts(answerQuestion(zones, q('example.net', RRType.MX)).answers), [
    '5 mx.example.net',
    '15 backup.example.net',
  ]);

  zones.setRecords('mx2.example.com', 'A', ['127.0.0.3']);
  assert.equal(answerQuestion(zones, q('2.0.0.127.in-addr.arpa', RRType.PTR)).rcode, Rcode.NXDOMAIN);
  assert.deepEqual(texts(answerQuestion(zones, q('3.0.0.127.in-addr.arpa', RRType.PTR)).answers), ['mx2.example.com']);
  zones.setRecords('mx2.example.com', 'A', []);
  assert.equal(answerQuestion(zones, q('mx2.example.com', RRType.A)).rcode, Rcode.NXDOMAIN);
  assert.throws(() => zones.setRecords('www.google.com', 'A', ['127.0.0.1']), /none of our zones/);
});

test('query handling: header bits, EDNS echo, BADVERS, NOTIMP, FORMERR, dropped packets', () => {
  const zones = table();
  const deps = { zones };
  const ok = handleQuery(encodeMessage(query('example.com', RRType.MX, { id: 7 })), deps)!;
  const h = ok.response.header;
  assert.deepEqual([h.id, h.qr, h.aa, h.ra, h.rd, h.rcode], [7, true, true, false, true, Rcode.NOERROR]);
  assert.deepEqual(ok.response.additional, [], 'no OPT to a client that sent none');

  const opt = {
    name: '',
    type: RRType.OPT,
    class: 4096,
    ttl: 0,
    data: { kind: 'OPT' as const, options: Buffer.alloc(0) },
  };
  const withEdns = handleQuery(encodeMessage(query('example.com', RRType.MX, { opt })), deps)!;
  assert.equal(withEdns.response.additional[0]?.type, RRType.OPT);
  assert.equal(withEdns.edns?.udpSizeBytes, 4096);

  const v1 = handleQuery(encodeMessage(query('example.com', RRType.MX, { opt: { ...opt, ttl: 1 << 16 } })), deps)!;
  assert.equal(v1.rcode, Rcode.BADVERS);
  const wire = decodeMessage(encodeMessage(v1.response));
  assert.equal(wire.header.rcode, 0);
  assert.equal(wire.additional[0]!.ttl >>> 24, 1, 'extended rcode 1 << 4 = BADVERS');

  const notify = query('example.com', RRType.SOA);
  notify.header.opcode = 4;
  assert.equal(handleQuery(encodeMessage(notify), deps)!.rcode, Rcode.NOTIMP);
  const two = query('example.com', RRType.A);
  two.questions.push({ name: 'example.net', type: RRType.A, class: RRClass.IN });
  assert.equal(handleQuery(encodeMessage(two), deps)!.rcode, Rcode.FORMERR);
  const broken = Buffer.concat([encodeMessage(query('example.com', RRType.A, { id: 99 })), Buffer.from([1])]);
  const formerr = handleQuery(broken, deps)!;
  assert.equal(formerr.rcode, Rcode.FORMERR);
  assert.equal(formerr.response.header.id, 99);
  assert.equal(handleQuery(Buffer.from([1, 2, 3]), deps), undefined, 'no header: dropped');
  const answerPacket = encodeMessage(ok.response);
  assert.equal(handleQuery(answerPacket, deps), undefined, 'a response is never answered');
  assert.equal(
    handleQuery(
      encodeMessage({ ...query('example.com', RRType.A), questions: [{ name: 'example.com', type: 1, class: 3 }] }),
      deps,
    )!.rcode,
    Rcode.REFUSED,
  );
});

test('a dns fault answers its rcode for the name and the names under it', () => {
  const zones = table();
  const tracer = new MemoryTracer(new WorldClock());
  const faults = new FaultSwitches({ tracer, node: 'ns.test', now: () => Date.now() });
  const fault = faults.add({ kind: 'dns', target: 'example.com', rcode: 'NXDOMAIN' });
  const under = handleQuery(encodeMessage(query('mx1.example.com', RRType.A)), { zones, faults })!;
  assert.equal(under.rcode, Rcode.NXDOMAIN);
  assert.equal(under.fault?.id, fault.id);
  assert.equal(under.response.authority[0]?.type, RRType.SOA);
  const other = handleQuery(encodeMessage(query('example.net', RRType.MX)), { zones, faults })!;
  assert.equal(other.rcode, Rcode.NOERROR);
  assert.equal(other.fault, undefined);
  faults.add({ kind: 'dns', target: 'google.com', rcode: 'SERVFAIL' });
  assert.equal(handleQuery(encodeMessage(query('www.google.com', RRType.A)), { zones, faults })!.rcode, Rcode.SERVFAIL);
});
