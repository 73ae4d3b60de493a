/**
 * Local stand-ins for the channels Stockfeed pushes stock to (Shopify, WooCommerce, Google Merchant
 * Center), each an HTTP server on 127.0.0.1 with in-memory state, fault controls and echo webhooks.
 * See README.md beside this file for what each one checks and where its shapes come from.
 */
export { hmacBase64, verifyHmacBase64, type EchoDelivery, type EchoSender } from './echo-webhooks';
export { waitUntil, type Faults, type RecordedRequest, type ScriptedFailure } from './http-standin';
export { startShopifyStandIn, type GraphqlCall, type ShopifyStandIn, type ShopifyStandInOptions } from './shopify-standin';
export { CLIENT_CREDENTIALS_SCOPE, type TokenIssuer } from './shopify-token';
export { startWooCommerceStandIn, type WooCommerceStandIn, type WooCommerceStandInOptions, type WooKey } from './woocommerce-standin';
export { startGoogleStandIn, type DataSource, type GoogleStandIn, type GoogleStandInOptions, type InputCall } from './google-standin';
export { CONTENT_SCOPE, GOOGLE_TOKEN_AUDIENCE, type ServiceAccountKey } from './google-token';
