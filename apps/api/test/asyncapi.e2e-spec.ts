import { Parser } from '@asyncapi/parser';
import { ClientEvent, ServerEvent, WEBHOOK_EVENTS, WEBHOOK_TEST_EVENT } from '@sysponto/contracts';
import { createTestApp, type TestApp } from './support/test-app.js';

describe('GET /api/docs/asyncapi.json', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  }, 240_000);
  afterAll(async () => {
    await t?.close();
  });

  it('serves a valid AsyncAPI 3 document of every socket and webhook event, linked from the OpenAPI document', async () => {
    const res = await t.http.get('/api/docs/asyncapi.json').expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const doc = res.body;
    expect(doc.asyncapi).toBe('3.0.0');

    const { document, diagnostics } = await new Parser().parse(JSON.stringify(doc));
    expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]);
    expect(document).toBeDefined();

    const names = (channel: string) =>
      Object.values(doc.channels[channel].messages).map(
        (m) => doc.components.messages[(m as { $ref: string }).$ref.split('/').pop()!].name,
      );
    expect(names('socket').sort()).toEqual(
      [...Object.values(ServerEvent), ...Object.values(ClientEvent).flatMap((e) => [e, `${e} (ack)`])].sort(),
    );
    expect(names('webhooks').sort()).toEqual([...WEBHOOK_EVENTS, WEBHOOK_TEST_EVENT].sort());

    // Payloads are the contracts' types: the same required fields, enums from the shared constants.
    const schemas = doc.components.schemas;
    expect(schemas.AttendanceUpdatedPayload.required).toEqual([
      'sessionId',
      'studentId',
      'status',
      'previousStatus',
      'source',
    ]);
    expect(schemas.AttendanceSource.enum).toContain('import');
    const closed = doc.components.messages['webhook.sessionClosed'];
    expect(closed.payload.properties.type.const).toBe('session.closed');
    expect(closed.payload.properties.data).toEqual({ $ref: '#/components/schemas/SessionLifecyclePayload' });
    expect(schemas.WebhookHeaders.required).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    expect(doc.operations['send.socket.attendanceSubmitted'].action).toBe('send');
    expect(doc.operations['receive.socket.sessionWatch'].reply.messages).toHaveLength(1);

    const openapi = await t.http.get('/api/docs-json').expect(200);
    expect(openapi.body.externalDocs).toEqual({
      description: 'AsyncAPI 3: Socket.IO and webhook events',
      url: '/api/docs/asyncapi.json',
    });
  });
});
