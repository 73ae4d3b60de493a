import { CSV_COLUMNS } from '../core/catalog/csv-columns';

export const COMMANDS = ['import', 'export', 'check', 'publish', 'token', 'user'] as const;
export type CommandName = (typeof COMMANDS)[number];

const DATA_OPTION = `  --data DIR     data folder (default: $XDG_DATA_HOME/stockfeed or ~/.local/share/stockfeed);
                 with DATABASE_URL=postgres://… set, the database is PostgreSQL instead`;

export const GENERAL_HELP = `Stockfeed command line

Usage: npm run cli -- <command> [options]

Commands:
  import <file.csv>   add and update products and set their stock from a CSV file
  export <file.csv>   write every product and its stock per location to a CSV file
  check               verify that every stock level equals the sum of its ledger
  publish [--full]    write the Merchant feed, the sitemap and the JSON-LD into the publish folder
  token [--new]       print the API token (DIR/api-token); --new issues a new one
  user add|list|passwd|remove
                      the people who sign in to the server with their own account

Options:
${DATA_OPTION}
  -h, --help     show help (also: npm run cli -- <command> --help)

Exit codes: 0 done, 1 the command failed (the reason is printed), 2 wrong usage.
`;

export const COMMAND_HELP: Record<CommandName, string> = {
  import: `Usage: npm run cli -- import <file.csv> [--dry-run] [--data DIR]

Adds new products and updates existing ones (matched by SKU), and sets their stock by recording a
stocktake count. All or nothing: every row is checked first, and if any row has a problem, each
problem is listed by row and column and nothing is written.

Columns (header row required, any order; sku, title and price are required):
  ${CSV_COLUMNS.join(',')}

  price, sale_price  decimal amounts such as 12.50, in the row's currency (default: the shop's)
  location, on_hand  the counted stock at that location (default location: the shop's); a SKU may
                     repeat on further rows to give its stock at other locations
  Empty cells: condition, status, currency and slug keep their default (new product) or their
  stored value (existing product); other empty cells clear the field. An empty on_hand leaves
  the stock as it is.

Options:
  --dry-run      check the file against the database and report what would change; write nothing
${DATA_OPTION}
`,
  export: `Usage: npm run cli -- export <file.csv> [--data DIR]

Writes every product, in SKU order, one row per stock location (products without stock get one
row with empty location and on_hand). The file can be imported again as it is.

Options:
${DATA_OPTION}
`,
  check: `Usage: npm run cli -- check [--data DIR]

Verifies that every stock level equals its ledger: on hand = the sum of its movements, committed
= the units held by open reservations. Prints OK, or each mismatch, and then exits with 1.

Options:
${DATA_OPTION}
`,
  publish: `Usage: npm run cli -- publish [--full] [--data DIR]

Publishes once and exits: google-merchant.xml and .tsv, sitemap.xml, jsonld/<slug>.json and
manifest.json in the publish folder (Settings; default DIR/publish). Files whose content has not
changed are left alone, and a product's lastmod changes only when its published content does.
Prints what it wrote and how many products were left out for a problem, then waits for the
delivery targets (SFTP, IndexNow) that are on.

Options:
  --full         rewrite every file from the database, even those that look up to date
${DATA_OPTION}
`,
  token: `Usage: npm run cli -- token [--new] [--data DIR]

Prints the API token the server and the REST API check (STOCKFEED_API_TOKEN when it is set,
otherwise the one in DIR/api-token; a data folder that never had one gets one now). The token
alone goes to standard output.

Stockfeed never replaces a missing or damaged token file by itself: when the server says the
file is missing or does not hold a valid token, restore it from a backup, or run this command
with --new. A server that is running keeps the token it read until it restarts.

Options:
  --new          issue a new token (written durably to DIR/api-token); the old one stops working
${DATA_OPTION}
`,
  user: `Usage: npm run cli -- user add --role owner|staff|viewer NAME [--generate] [--data DIR]
       npm run cli -- user list [--data DIR]
       npm run cli -- user passwd NAME [--generate] [--data DIR]
       npm run cli -- user remove NAME [--data DIR]

The people who sign in to the server's page with a name and a password instead of the API token.
  owner    everything: settings, secrets, webhooks, the API token and people
  staff    products and stock (receive, adjust, count, transfer, orders, import, publish); no settings
  viewer   reads everything, changes nothing

The password is typed without echo (twice) at a terminal, or read from the first line of standard
input (printf '%s\n' "$PASSWORD" | npm run cli -- user add …); never give it as an argument.
--generate makes one up and prints it once, alone on standard output. At least 8 characters.
A new password (passwd) or removing someone ends their sessions at once. The last owner cannot be
removed. Names are compared without regard to case.

Options:
  --role ROLE    the new person's role (add)
  --generate     generate the password and print it once
${DATA_OPTION}
`,
};
