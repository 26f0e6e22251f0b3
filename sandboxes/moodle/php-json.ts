/**
 * PHP's `json_encode` with default flags: slashes and every non-ASCII character escaped. The REST
 * server answers with it and local_webhooks encodes its bodies with it (`\/` in URLs, `\u00e9`).
 */
export const phpJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
