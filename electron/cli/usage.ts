import { CSV_COLUMNS } from '../core/catalog/csv-columns';

export const COMMANDS = ['import', 'export', 'check', 'publish', 'token', 'suggestions', 'backup', 'backups', 'restore', 'diagnose', 'user'] as const;
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
  suggestions [--supplier X]
                      what to order now: products at or below their reorder point, by supplier
  backup [--to FILE]  back up the database now (into the backups folder, or into FILE)
  backups             list the backups with their time, size, change-log sequence and schema
  restore <FILE|ID>   replace the database with a backup (the current one is backed up first)
  diagnose            print a diagnostic report to send to whoever helps you (no secrets in it)
  user add|list|passwd|remove
                      the people who sign in to the server with their own account

Options:
${DATA_OPTION}
  -h, --help     show help (also: npm run cli -- <command> --help)

Exit codes: 0 done, 1 the command failed (the reason is printed), 2 wrong usage.
`;

export const COMMAND_HELP: Record<CommandName, string> = {
  import: `Usage: npm run cli -- import <file.csv> [--dry-run] [--preset shopify|woocommerce] [--map COLUMN=FIELD ...] [--data DIR]

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

The encoding (UTF-8, UTF-16, Windows-1252), the separator (comma, semicolon, tab) and the decimal
mark of prices (12.50 or 12,50) are detected, and printed.

Options:
  --dry-run      check the file against the database and report what would change; write nothing
  --preset P     read a product export of Shopify (shopify) or WooCommerce (woocommerce): their
                 columns, one product per variant; image rows and parent products are skipped
                 and listed
  --map C=F      read the file's column C as the field F, for a header that is not Stockfeed's
                 own; once per field, as --map "Article number=sku" --map Name=title --map
                 Preis=price (sku, title and price are needed); columns not named are ignored
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
= the units held by open reservations, incoming = the units open purchase orders still expect;
and that each purchase order line's received units = the receive movements that name the line.
Prints OK, or each mismatch, and then exits with 1.

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
  backup: `Usage: npm run cli -- backup [--to FILE] [--data DIR]

Backs up the SQLite database while Stockfeed may be running (an online copy made by SQLite, never
a file copy), checks the copy with PRAGMA integrity_check, and prints where it went. Without --to
it goes into the backups folder (Settings → Backups; default DIR/backups), is listed by
\`backups\` and is never deleted by the rotation. With PostgreSQL, use pg_dump instead.

Options:
  --to FILE      write the copy to FILE (which must not exist yet), e.g. on a USB stick
${DATA_OPTION}
`,
  backups: `Usage: npm run cli -- backups [--data DIR]

Lists the backups in the backups folder, newest first: id, time (UTC), size, the change-log
sequence the copy holds and its schema version. Automatic copies are kept 7 daily, 4 weekly and 12
monthly; copies made before a migration, a restore or the first start of a new version rotate
with them.

Options:
${DATA_OPTION}
`,
  restore: `Usage: npm run cli -- restore <FILE|ID> [--data DIR]

Replaces the database with a backup: a file, or the id of a copy \`backups\` lists. The file is
checked first (a SQLite database, intact, made by Stockfeed, of a schema this version knows or can
migrate); the current database is backed up; then the backup is swapped in whole (a crash leaves
the old database or the new one, never a mix), migrated, and publishing is rebuilt. The change log
records the restore. Refused while the app or a server has the database open: restore from there
(Settings → Backups, or POST /api/v1/backups/{id}/restore), or stop it first. When the database
cannot be opened at all (damaged), it is kept beside under a new name and the backup takes its place.

Options:
${DATA_OPTION}
`,
  diagnose: `Usage: npm run cli -- diagnose [--data DIR]

Prints the diagnostic report (the desktop app's Help → Copy diagnostic report): Stockfeed's
version, the platform, the database's size, free disk space and schema version, backups,
publishing status and the last warnings and errors from the log files in DIR/logs. It holds no
secret (no token, password or database credentials), so it can be pasted into a support message.

Options:
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
  suggestions: `Usage: npm run cli -- suggestions [--supplier X] [--data DIR]

Lists every active product whose available plus incoming stock at a location is at or below its
reorder point, grouped by supplier (its preferred one), with the quantity to order rounded up to
the supplier's pack size and minimum order quantity, and the reorder point its sales suggest.

Options:
  --supplier X   only what to order from this supplier (its name or id), at its prices and packs
${DATA_OPTION}
`,
  user: `Usage: npm run cli -- user add --role owner|staff|viewer NAME [--generate] [--data DIR]
       npm run cli -- user list [--data DIR]
       npm run cli -- user passwd NAME [--generate] [--data DIR]
       npm run cli -- user remove NAME [--data DIR]

The people who sign in to the server's page with a name and a password instead of the API token.
  owner    everything: settings, secrets, webhooks, channel connections, backups, the API token and people
  staff    products and stock (receive, adjust, count, transfer, orders, import, publish, suppliers,
           purchase orders); no settings
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
