import { defineErrors } from '../../common/app-error.js';

export const WebhookErrors = defineErrors({
  notFound: { code: 'webhooks/not-found', status: 404, message: 'Webhook not found.' },
  deliveryNotFound: { code: 'webhooks/delivery-not-found', status: 404, message: 'Delivery not found.' },
  urlForbidden: {
    code: 'webhooks/url-forbidden',
    status: 400,
    details: '{reason: string} — why the URL is refused',
    message:
      'This URL is not allowed: use http(s) to a public address (private, loopback and link-local addresses are refused).',
  },
  urlUnresolvable: {
    code: 'webhooks/url-unresolvable',
    status: 400,
    message: 'The host of this URL does not resolve.',
  },
  unknownEvent: { code: 'webhooks/unknown-event', status: 400, message: 'Unknown event type.' },
  disabled: {
    code: 'webhooks/disabled',
    status: 409,
    message: 'This webhook is disabled. Enable it first.',
  },
  deliveryInFlight: {
    code: 'webhooks/delivery-in-flight',
    status: 409,
    message: 'This delivery is being sent right now.',
  },
});
