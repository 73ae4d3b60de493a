/**
 * A sample catalogue to try Stockfeed with: a small homeware shop with variant groups (colours,
 * sizes), valid EAN-13 barcodes, https images and stock at two locations. It is loaded through the
 * contract's own operations, so the products, the ledger and the change log look exactly as if a
 * person had entered them.
 */
import { contract, type Handlers, type Input, type Output } from '../../../shared/contract';
import { gtinCheckDigit } from '../../../shared/domain/gtin';
import { currencyDigits, fromMinorUnits } from '../../../shared/domain/money';
import { AppError } from '../../../shared/errors';
import { parseInput } from '../../../shared/validation';

type SampleItem = {
  sku: string;
  title: string;
  description: string;
  brand: string;
  /** Price in cents of a two-decimal currency; scaled for others. */
  cents: number;
  saleCents?: number;
  group?: string;
  allowBackorder?: boolean;
};

const HOUSE = 'Fjord & Field';
const HEARTH = 'Hearth Supply Co.';

function variants(
  group: string,
  base: Omit<SampleItem, 'sku' | 'title' | 'group'> & { title: string },
  options: Array<[code: string, label: string]>,
): SampleItem[] {
  return options.map(([code, label]) => ({ ...base, sku: `${group}-${code}`, title: `${base.title}, ${label}`, group }));
}

const MUG = 'Enamel camping mug 350 ml with a rolled rim; dishwasher safe.';
const TEE = 'Heavyweight organic cotton T-shirt, garment dyed, relaxed fit.';

export const SAMPLE_ITEMS: readonly SampleItem[] = [
  ...variants('MUG-ENAMEL', { title: 'Enamel mug', description: MUG, brand: HOUSE, cents: 1250 }, [
    ['BLUE', 'blue'],
    ['GREEN', 'green'],
    ['WHITE', 'white'],
    ['BLACK', 'black'],
  ]),
  ...variants('TEE-ORG-NAVY', { title: 'Organic cotton tee, navy', description: TEE, brand: HOUSE, cents: 2400 }, [
    ['S', 'S'],
    ['M', 'M'],
    ['L', 'L'],
    ['XL', 'XL'],
  ]).map((item) => ({ ...item, group: 'TEE-ORG' })),
  ...variants('TEE-ORG-OAT', { title: 'Organic cotton tee, oat', description: TEE, brand: HOUSE, cents: 2400 }, [
    ['S', 'S'],
    ['M', 'M'],
    ['L', 'L'],
    ['XL', 'XL'],
  ]).map((item) => ({ ...item, group: 'TEE-ORG' })),
  ...variants('APRON-LINEN', { title: 'Linen apron', description: 'Stonewashed linen apron with two deep pockets.', brand: HOUSE, cents: 3200 }, [
    ['NATURAL', 'natural'],
    ['RUST', 'rust'],
    ['CHARCOAL', 'charcoal'],
  ]),
  ...variants('SOCKS-WOOL', { title: 'Merino wool socks', description: 'Cushioned merino hiking socks.', brand: HEARTH, cents: 1400 }, [
    ['38-40', 'size 38–40'],
    ['41-43', 'size 41–43'],
    ['44-46', 'size 44–46'],
  ]),
  { sku: 'CANDLE-BEESWAX-S', title: 'Beeswax candle, small', description: 'Hand-poured beeswax pillar, about 20 hours.', brand: HEARTH, cents: 950, group: 'CANDLE-BEESWAX' },
  { sku: 'CANDLE-BEESWAX-L', title: 'Beeswax candle, large', description: 'Hand-poured beeswax pillar, about 45 hours.', brand: HEARTH, cents: 1600, group: 'CANDLE-BEESWAX' },
  { sku: 'TEAPOT-CAST-09', title: 'Cast iron teapot 0.9 l', description: 'Enamelled inside, with a stainless steel infuser.', brand: HEARTH, cents: 4800, saleCents: 4200 },
  { sku: 'DRIPPER-CERAMIC', title: 'Ceramic pour-over dripper', description: 'Fits size 02 filters; makes one to four cups.', brand: HOUSE, cents: 2200 },
  { sku: 'PLATE-STONE-4', title: 'Stoneware dinner plates, set of 4', description: 'Reactive glaze, 27 cm, microwave safe.', brand: HOUSE, cents: 5600 },
  { sku: 'NOTEBOOK-A5-DOT', title: 'Hand-bound notebook A5, dotted', description: '160 pages of 100 g paper, lay-flat binding.', brand: HEARTH, cents: 1100 },
  { sku: 'BOARD-OAK-L', title: 'Oak chopping board, large', description: 'Solid European oak, 45 × 30 cm, oiled.', brand: HOUSE, cents: 3900 },
  { sku: 'JAR-GLASS-1L', title: 'Glass storage jar 1 l', description: 'Borosilicate glass with a bamboo lid.', brand: HEARTH, cents: 750 },
  { sku: 'THROW-WOOL-GREY', title: 'Wool throw blanket, grey', description: 'Woven lambswool, 130 × 180 cm.', brand: HOUSE, cents: 8900, saleCents: 7500 },
  { sku: 'BRUSH-DISH-BAMBOO', title: 'Bamboo dish brush', description: 'Replaceable sisal head.', brand: HEARTH, cents: 450 },
  { sku: 'CAN-COPPER-15', title: 'Copper watering can 1.5 l', description: 'Long spout for indoor plants.', brand: HOUSE, cents: 6400 },
  { sku: 'TOWEL-LINEN-2', title: 'Linen tea towels, pair', description: 'Waffle-weave linen, 50 × 70 cm.', brand: HOUSE, cents: 1800 },
  { sku: 'POT-CERAMIC-14', title: 'Ceramic plant pot 14 cm', description: 'Matte glaze with a drainage hole and saucer.', brand: HEARTH, cents: 1500 },
  { sku: 'BASKET-RATTAN-M', title: 'Rattan basket, medium', description: 'Hand-woven, 30 cm across.', brand: HEARTH, cents: 2700 },
  { sku: 'TEA-SENCHA-100', title: 'Loose-leaf sencha 100 g', description: 'First-flush Japanese green tea.', brand: HEARTH, cents: 890 },
  { sku: 'BOTTLE-STEEL-750', title: 'Insulated steel bottle 750 ml', description: 'Keeps drinks cold for 24 hours.', brand: HOUSE, cents: 2600 },
  { sku: 'LAMP-BRASS-DESK', title: 'Brass desk lamp', description: 'Adjustable arm, E27 fitting; made to order.', brand: HOUSE, cents: 11900, allowBackorder: true },
];

/**
 * Each sample product's category path (its SKU's first word), so the sample shop shows collection
 * pages as soon as a collection page address is set.
 */
const SAMPLE_TYPES: Record<string, string> = {
  MUG: 'Home > Kitchen > Coffee & Tea',
  DRIPPER: 'Home > Kitchen > Coffee & Tea',
  TEAPOT: 'Home > Kitchen > Coffee & Tea',
  PLATE: 'Home > Kitchen > Tableware',
  BOARD: 'Home > Kitchen > Tools',
  BRUSH: 'Home > Kitchen > Tools',
  JAR: 'Home > Kitchen > Storage',
  TOWEL: 'Home > Kitchen > Textiles',
  APRON: 'Home > Kitchen > Textiles',
  CANDLE: 'Home > Living > Candles',
  THROW: 'Home > Living > Textiles',
  BASKET: 'Home > Living > Storage',
  LAMP: 'Home > Living > Lighting',
  CAN: 'Home > Garden > Plant care',
  POT: 'Home > Garden > Plant care',
  TEE: 'Clothing > Tops',
  SOCKS: 'Clothing > Socks',
  NOTEBOOK: 'Office > Stationery',
  TEA: 'Food > Tea',
  BOTTLE: 'Outdoor > Drinkware',
};

/** The sample product's category path, from its SKU. */
export function sampleProductType(sku: string): string | null {
  return SAMPLE_TYPES[sku.slice(0, sku.indexOf('-') < 0 ? sku.length : sku.indexOf('-'))] ?? null;
}

/** A made-up GS1 company prefix; the item number and the real check digit complete the EAN-13. */
export function sampleGtin(index: number): string {
  const body = `590123${String(41000 + index).padStart(6, '0')}`;
  return `${body}${gtinCheckDigit(body)}`;
}

/** Some products well stocked, some low, a few sold out everywhere, as in a real shop. */
export function sampleStock(index: number): { main: number; shop: number } {
  if (index % 11 === 5) return { main: 0, shop: 0 };
  if (index % 7 === 3) return { main: 1, shop: 0 };
  return { main: ((index * 7) % 29) + 4, shop: (index * 3) % 6 };
}

function price(cents: number, currency: string): string {
  const digits = currencyDigits(currency);
  // A currency without minor units (JPY) would make 12.50 into 13; a hundredfold reads right.
  const minor = digits === 0 ? cents : Math.round((cents * 10 ** digits) / 100);
  return fromMinorUnits(minor, currency);
}

/** The operations the sample is loaded through. */
export type SampleOperation = 'products.list' | 'products.create' | 'locations.list' | 'locations.create' | 'stock.receive';

type Call = <K extends SampleOperation>(op: K, input: Input<K>) => Promise<Output<K>>;

/** Each call is parsed by the contract first, as every host does. */
function caller(handlers: Pick<Handlers, SampleOperation>): Call {
  return (op, input) => (handlers[op] as (i: unknown) => Promise<never>)(parseInput(contract[op].input, input));
}

export const SAMPLE_SHOP_LOCATION = { code: 'shop', name: 'Shop floor' } as const;

/** Loads the sample; refuses when one of its SKUs already exists, so loading twice changes nothing. */
export async function loadSampleCatalog(handlers: Pick<Handlers, SampleOperation>, currency: string): Promise<Output<'catalog.loadSample'>> {
  const call = caller(handlers);
  const taken: string[] = [];
  for (const item of SAMPLE_ITEMS) {
    const found = await call('products.list', { query: item.sku, limit: 1 });
    if (found.products[0]?.sku === item.sku) taken.push(item.sku);
  }
  if (taken.length === SAMPLE_ITEMS.length) throw new AppError('conflict', 'The sample catalogue is already loaded');
  if (taken.length > 0) {
    throw new AppError('conflict', `The sample catalogue was not loaded: its SKU ${taken[0]} is already used by one of your products`);
  }
  const { locations } = await call('locations.list', {});
  if (!locations.some((l) => l.code === SAMPLE_SHOP_LOCATION.code)) {
    await call('locations.create', { ...SAMPLE_SHOP_LOCATION, sellsOnline: true });
  }
  const main = locations.find((l) => l.code === 'main') ? 'main' : (locations[0]?.code ?? 'main');

  let movements = 0;
  for (const [index, item] of SAMPLE_ITEMS.entries()) {
    const slugSeed = item.sku.toLowerCase();
    await call('products.create', {
      sku: item.sku,
      title: item.title,
      description: item.description,
      brand: item.brand,
      gtin: sampleGtin(index),
      price: price(item.cents, currency),
      salePrice: item.saleCents === undefined ? null : price(item.saleCents, currency),
      currency,
      imageUrl: `https://picsum.photos/seed/${slugSeed}/800/800`,
      itemGroupId: item.group ?? null,
      allowBackorder: item.allowBackorder ?? false,
      productType: sampleProductType(item.sku),
    });
    const stock = sampleStock(index);
    const receipts: Array<[string, number]> = [
      [main, stock.main],
      [SAMPLE_SHOP_LOCATION.code, stock.shop],
    ];
    // Concurrent receipts share a commit (group commit), like a busy day's deliveries.
    await Promise.all(
      receipts
        .filter(([, quantity]) => quantity > 0)
        .map(([location, quantity]) => {
          movements++;
          return call('stock.receive', { sku: item.sku, location, quantity, reference: 'Sample catalogue' });
        }),
    );
  }
  return { products: SAMPLE_ITEMS.length, locations: [main, SAMPLE_SHOP_LOCATION.code], movements };
}
