/**
 * The help panel's glossary: the stock words in plain language. They are the trade's words that the
 * README, the API (`onHand`, `committed`, `incoming`, `available`, `bufferStock`) and every screen
 * use, so a figure means the same thing wherever the shop owner meets it.
 */
import { formatQuantity } from './format';
import { LOW_STOCK_UNITS } from '../../shared/domain/replenishment';

export const GLOSSARY_IDS = [
  'on-hand',
  'committed',
  'incoming',
  'available',
  'buffer',
  'low-stock',
  'out-of-stock',
  'feed-availability',
  'backorder',
  'preorder',
  'movement',
  'receive',
  'adjust',
  'count',
  'transfer',
  'return',
] as const;

export type GlossaryId = (typeof GLOSSARY_IDS)[number];

export type GlossaryEntry = {
  id: GlossaryId;
  term: string;
  /** One sentence, for a tooltip. */
  short: string;
  /** The explanation, one paragraph per string. */
  body: string[];
};

export type GlossaryGroup = { title: string; entries: GlossaryEntry[] };

/** Built on demand: the low-stock line is written in the shop's number format. */
export function glossary(): GlossaryGroup[] {
  const line = formatQuantity(LOW_STOCK_UNITS);
  return [
    {
      title: 'Stock figures',
      entries: [
        {
          id: 'on-hand',
          term: 'On hand',
          short: 'Units physically in a location, on the shelf or in the stockroom.',
          body: [
            'The units physically in a location: on the shelf, in the stockroom, in the warehouse. Receiving and returns add to it; shipped orders, damage and losses take from it; a count sets it to what you counted.',
            'Units on hand may already be promised to orders: see committed.',
          ],
        },
        {
          id: 'committed',
          term: 'Committed',
          short: 'Units on hand that are promised to orders not shipped yet.',
          body: [
            'Units on hand that are promised to orders that have not shipped yet (reservations). They are still on your shelf, but they belong to a customer, so they are not available to sell again.',
            'Fulfilling the order ships them (on hand and committed both go down); releasing it makes them available again.',
          ],
        },
        {
          id: 'incoming',
          term: 'Incoming',
          short: 'Units ordered from a supplier that have not arrived yet.',
          body: [
            'Units ordered from a supplier that have not arrived yet. They are not available to sell; when they arrive, receive them and they become on hand.',
            'For a product that takes backorders, the earliest incoming stock dates the backorder in the feed.',
          ],
        },
        {
          id: 'available',
          term: 'Available',
          short: 'What you can still sell: on hand minus committed.',
          body: [
            'What you can still sell: on hand minus committed. Incoming stock does not count until it is received.',
            'Screens add it up over all your locations; the feed counts only the locations that sell online, and keeps the buffer back.',
          ],
        },
        {
          id: 'buffer',
          term: 'Buffer stock',
          short: 'Units kept back from online sale, so you never sell what is not there.',
          body: [
            'A few units kept back from online sale, so a sale in the shop or a miscounted shelf never means selling online what is not there. When available is at or below the buffer, the feed says out of stock (or backorder), even though units are left, and the product’s ads pause.',
            'Set one for the whole shop in Settings, and a different one for a product on its page. A buffer of 0 holds nothing back.',
          ],
        },
        {
          id: 'low-stock',
          term: 'Low stock',
          short: `Something available, but at most the reorder point (else ${line}) or the buffer.`,
          body: [
            `A product is low on stock when it has something available, but no more than its reorder point at a location that has one (set on the product's page, under Purchasing). A product without a reorder point is low at ${line} or fewer units. Either way, one at or below its buffer stock is low too. Time to order more.`,
            'Low stock counts what is on the shelf: units on their way do not count. Purchasing’s “Products to reorder” counts available plus incoming against the reorder point, so a product already on order is low here but not to reorder there.',
          ],
        },
        {
          id: 'out-of-stock',
          term: 'Out of stock',
          short: 'Nothing available: on hand minus committed is 0 or less.',
          body: [
            'Nothing available: on hand minus committed is 0 or less, so every unit left is promised to an order, or there are none.',
            'In the feed a product also shows as out of stock while available is at or below its buffer.',
          ],
        },
      ],
    },
    {
      title: 'What shoppers see',
      entries: [
        {
          id: 'feed-availability',
          term: 'Availability in the feed',
          short: 'In stock, out of stock, backorder or preorder, by one rule everywhere.',
          body: [
            'What the Google Merchant feed, the product data for search engines (JSON-LD) and the API tell shoppers, decided by one rule:',
            'In stock when available at the locations that sell online is above the buffer. At or below it: out of stock, with the product’s ads paused — or backorder, when the product takes backorders. Preorder while a future release date is set. Archived and discontinued products leave the feed and the sitemap.',
          ],
        },
        {
          id: 'backorder',
          term: 'Backorder',
          short: 'Taking orders for an out-of-stock product, to ship when stock arrives.',
          body: [
            'Taking orders for a product that is out of stock, to ship when new stock arrives. Turn on “Allow orders when out of stock” on the product’s page.',
            'The feed then says backorder with a date: when the earliest incoming stock is due, or else today plus the backorder lead time from Settings (14 days unless you change it).',
          ],
        },
        {
          id: 'preorder',
          term: 'Preorder',
          short: 'Taking orders before a product’s release date.',
          body: [
            'Taking orders for a product before it is released. Give the product a pre-order release date: until that day the feed says preorder with that date, whatever the stock.',
          ],
        },
      ],
    },
    {
      title: 'Stock actions',
      entries: [
        {
          id: 'movement',
          term: 'Movement',
          short: 'One change to stock, kept for good in the ledger.',
          body: [
            'Every change to stock is a movement in the ledger: what, where, how many, when and why. The ledger is never edited; a mistake is put right by a new movement (Undo records the opposite one), so the history always adds up to the stock you see.',
          ],
        },
        {
          id: 'receive',
          term: 'Receive',
          short: 'Goods arrived: adds to on hand.',
          body: ['Goods arrived from a supplier: the quantity is added to on hand at the location. Note the delivery note or order number as the reference.'],
        },
        {
          id: 'adjust',
          term: 'Adjust',
          short: 'Corrects on hand up or down, with a reason.',
          body: ['Corrects on hand up or down outside a sale — damaged, lost, found — always with a reason, which the ledger keeps.'],
        },
        {
          id: 'count',
          term: 'Count',
          short: 'A stocktake: what you counted becomes on hand.',
          body: ['A stocktake: type what is on the shelf and it becomes on hand; the ledger records the difference from what Stockfeed expected.'],
        },
        {
          id: 'transfer',
          term: 'Transfer',
          short: 'Moves units from one location to another.',
          body: ['Moves units from one location to another, such as from the warehouse to the shop floor. On hand goes down in one and up in the other; the shop’s total stays the same.'],
        },
        {
          id: 'return',
          term: 'Return',
          short: 'Goods a customer sent back, on hand again.',
          body: ['Goods a customer sent back that can be sold again: the quantity is added to on hand at the location.'],
        },
      ],
    },
  ];
}

/** One entry by id. */
export function glossaryEntry(id: GlossaryId): GlossaryEntry {
  for (const group of glossary()) {
    const entry = group.entries.find((e) => e.id === id);
    if (entry) return entry;
  }
  // GLOSSARY_IDS and glossary() are checked against each other by a unit test.
  throw new Error(`no glossary entry ${id}`);
}
