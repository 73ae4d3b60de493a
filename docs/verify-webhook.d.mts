/** Types for docs/verify-webhook.mjs, which the README quotes and the webhook tests import. */
export declare function verifyStockfeedWebhook(
  secret: string,
  rawBody: string | Buffer,
  headers: Record<string, string | string[] | undefined>,
  toleranceSeconds?: number,
): boolean;
