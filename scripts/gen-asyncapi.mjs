// Writes libs/contracts/src/asyncapi.generated.ts: the AsyncAPI 3 document of the Socket.IO events and the webhook
// events, derived from libs/contracts' own declarations (ServerEventPayloads, ClientEventPayloads, WebhookPayloads and
// the payload interfaces they name) by ts-json-schema-generator: nothing in it is written by hand. Run by `pnpm gen:api`;
// CI fails when the checked-in file differs.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const contracts = join(root, 'libs/contracts');
const require = createRequire(import.meta.url);
const { version } = require(join(contracts, 'package.json'));

const generator = createGenerator({
  path: join(contracts, 'src/{events,webhooks,enums}.ts'),
  tsconfig: join(contracts, 'tsconfig.json'),
  expose: 'export',
  topRef: true,
  jsDoc: 'extended',
  skipTypeCheck: true,
  additionalProperties: true,
  sortProps: true,
});
// The three maps of event → payload, with every type they name.
const schema = { definitions: {} };
for (const root of ['ServerEventPayloads', 'ClientEventPayloads', 'WebhookPayloads'])
  Object.assign(schema.definitions, generator.createSchema(root).definitions);

/** JSON Schema `#/definitions/X` → AsyncAPI `#/components/schemas/X`, everywhere. */
const retarget = (value) =>
  JSON.parse(
    JSON.stringify(value).replace(/"#\/definitions\/([^"]+)"/g, (_m, name) => `"#/components/schemas/${name}"`),
  );
const defs = retarget(schema.definitions);
const map = (name) => {
  const d = defs[name];
  if (!d?.properties) throw new Error(`${name} is not an interface of event payloads`);
  return d.properties;
};
/** `attendance.submitted` → `attendanceSubmitted` (AsyncAPI keys are identifiers). */
const key = (event) => event.replace(/[.-](\w)/g, (_m, c) => c.toUpperCase());
const describe = (s) => (s.description ? { description: s.description } : {});

const messages = {};
const channels = {};
const operations = {};

// Socket.IO: one channel, the default namespace; the message name is the Socket.IO event name.
const serverEvents = map('ServerEventPayloads');
const clientEvents = map('ClientEventPayloads');
const socketMessages = {};
for (const [event, payload] of Object.entries(serverEvents)) {
  const id = `socket.${key(event)}`;
  messages[id] = { name: event, title: event, ...describe(payload), payload: payload };
  socketMessages[id] = { $ref: `#/components/messages/${id}` };
}
for (const [event, def] of Object.entries(clientEvents)) {
  const id = `socket.${key(event)}`;
  const ackId = `${id}.ack`;
  messages[id] = { name: event, title: event, ...describe(def), payload: def.properties.payload };
  messages[ackId] = { name: `${event} (ack)`, title: `${event} acknowledgement`, payload: def.properties.ack };
  socketMessages[id] = { $ref: `#/components/messages/${id}` };
  socketMessages[ackId] = { $ref: `#/components/messages/${ackId}` };
}
channels.socket = {
  address: '/socket.io',
  title: 'Socket.IO (default namespace)',
  description:
    'Connect with Socket.IO 4 to `/socket.io` with `auth: { token: <access token> }`. The server puts each user in the ' +
    'room `user:<id>`; staff join a live session with `session.watch` and receive its events in the room ' +
    '`session:<id>`. After a reconnect, re-read over REST.',
  servers: [{ $ref: '#/servers/api' }],
  messages: socketMessages,
};
for (const event of Object.keys(serverEvents)) {
  const id = `socket.${key(event)}`;
  operations[`send.${id}`] = {
    action: 'send',
    title: `Server emits ${event}`,
    channel: { $ref: '#/channels/socket' },
    messages: [{ $ref: `#/channels/socket/messages/${id}` }],
  };
}
for (const event of Object.keys(clientEvents)) {
  const id = `socket.${key(event)}`;
  operations[`receive.${id}`] = {
    action: 'receive',
    title: `Client emits ${event}`,
    channel: { $ref: '#/channels/socket' },
    messages: [{ $ref: `#/channels/socket/messages/${id}` }],
    reply: { channel: { $ref: '#/channels/socket' }, messages: [{ $ref: `#/channels/socket/messages/${id}.ack` }] },
  };
}

// Webhooks: a POST to each endpoint's URL, body {type, timestamp, data}, signed per Standard Webhooks.
const webhookEvents = map('WebhookPayloads');
const webhookMessages = {};
for (const [event, payload] of Object.entries(webhookEvents)) {
  const id = `webhook.${key(event)}`;
  messages[id] = {
    name: event,
    title: event,
    contentType: 'application/json',
    headers: { $ref: '#/components/schemas/WebhookHeaders' },
    payload: {
      type: 'object',
      required: ['type', 'timestamp', 'data'],
      additionalProperties: false,
      properties: {
        type: { type: 'string', const: event },
        timestamp: { type: 'string', format: 'date-time', description: 'When the event happened.' },
        data: payload,
      },
    },
  };
  webhookMessages[id] = { $ref: `#/components/messages/${id}` };
}
channels.webhooks = {
  address: '{webhookUrl}',
  title: 'Webhook endpoint',
  description:
    'Each registered endpoint (POST /api/webhooks) receives the events it subscribed to as HTTPS POSTs; 2xx is success, ' +
    'anything else is retried with backoff. See docs/integrations.md.',
  parameters: { webhookUrl: { description: "The endpoint's registered URL." } },
  servers: [{ $ref: '#/servers/receiver' }],
  messages: webhookMessages,
};
for (const event of Object.keys(webhookEvents)) {
  const id = `webhook.${key(event)}`;
  operations[`send.${id}`] = {
    action: 'send',
    title: `Deliver ${event}`,
    channel: { $ref: '#/channels/webhooks' },
    messages: [{ $ref: `#/channels/webhooks/messages/${id}` }],
    bindings: { http: { method: 'POST' } },
  };
}

// The maps themselves are not payloads: their entries became the messages above.
for (const name of ['ServerEventPayloads', 'ClientEventPayloads', 'WebhookPayloads']) delete defs[name];

defs.WebhookHeaders = {
  type: 'object',
  required: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
  properties: {
    'webhook-id': { type: 'string', description: 'The message id: the same on every retry (deduplicate by it).' },
    'webhook-timestamp': { type: 'string', description: 'Unix seconds when this attempt was signed.' },
    'webhook-signature': {
      type: 'string',
      description: 'Space-separated `v1,<base64 HMAC-SHA256(secret, "{id}.{timestamp}.{body}")>` signatures.',
    },
  },
};

const document = {
  asyncapi: '3.0.0',
  info: {
    title: 'SysPonto events',
    version,
    description:
      'The Socket.IO events of the SysPonto API and the webhook events it delivers (Standard Webhooks). Generated by ' +
      '`pnpm gen:api` from libs/contracts; the REST API is described by the OpenAPI document at /api/docs-json.',
  },
  defaultContentType: 'application/json',
  servers: {
    api: {
      host: 'localhost:3000',
      protocol: 'ws',
      pathname: '/socket.io',
      description: 'The API server (any replica); use its own host.',
    },
    receiver: {
      host: '{receiverHost}',
      protocol: 'https',
      description: "A webhook endpoint's host.",
      variables: { receiverHost: { description: 'Host of the registered URL.' } },
    },
  },
  channels,
  operations,
  components: { schemas: defs, messages },
};

const out = join(contracts, 'src/asyncapi.generated.ts');
writeFileSync(
  out,
  '// Generated by `pnpm gen:api` (scripts/gen-asyncapi.mjs) from libs/contracts. Do not edit by hand.\n' +
    `export const ASYNCAPI_DOCUMENT = ${JSON.stringify(document, null, 2)};\n`,
);
console.log(`wrote ${out}`);
