export * from './audit.js';
export * from './enums.js';
export * from './events.js';
export * from './webhooks.js';
