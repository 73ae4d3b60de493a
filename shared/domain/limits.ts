/**
 * The largest money amount and the largest quantity Stockfeed takes, one of each for every edge
 * (API, UI, CSV import, 3PL counts, channel orders) and every stored figure.
 *
 * The columns are 64-bit on both engines (PostgreSQL `bigint`, SQLite INTEGER), but JavaScript
 * numbers are exact only up to 2^53 − 1 (Number.MAX_SAFE_INTEGER, about 9.007 × 10^15); the
 * limits stay well inside that so every figure and the sums built from them (on hand + committed +
 * incoming of a stock level, a product's total over its locations) are still exact. Money totals
 * that can grow past it (the dashboard's stock value) are added up as exact decimals instead.
 */

/**
 * 10^15 − 1 minor units: 9,999,999,999,999.99 in a two-decimal currency (EUR, UZS),
 * 999,999,999,999,999 in one without decimals (JPY, VND).
 */
export const MONEY_MAX_MINOR = 999_999_999_999_999;

/** 10^12 units: a quantity moved at once, and any stock figure (on hand, committed, incoming). */
export const QUANTITY_MAX = 1_000_000_000_000;
