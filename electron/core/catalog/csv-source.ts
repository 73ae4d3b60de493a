/**
 * A CSV file as text, whatever its encoding and delimiter: the first 64 KB are looked at to
 * detect what the caller did not say (see shared/csv/csv-format.ts), then the whole file is
 * decoded as it streams by. Decoding is strict: a byte that is not valid in the encoding stops
 * the import with a problem, rather than turning "Café" into "Caf\uFFFD" in the catalogue.
 */
import {
  decodeCsvBytes,
  decodeWindows1252,
  detectDelimiter,
  detectEncoding,
  notCsvReason,
  sepLine,
  SNIFF_BYTES,
  type CsvDelimiter,
  type CsvEncoding,
} from '../../../shared/csv/csv-format';
import { completeLines } from '../../../shared/csv/csv-text';

export type CsvSource = {
  /** The file's text, chunk by chunk. */
  text: AsyncIterable<string>;
  /** Null when the source gave text, already decoded. */
  encoding: CsvEncoding | null;
  delimiter: CsvDelimiter;
  /** The first complete lines of the text, to detect the decimal mark from. */
  sample: string;
  /** Lines before the header that are not part of the table (Excel's "sep=;"), left out of `text`. */
  skippedLines: number;
};

/**
 * The source with Excel's "sep=;" line left out of its text, and its delimiter taken unless one
 * was chosen. The line is in the first piece of text, which holds the whole sample.
 */
function withoutSepLine(source: CsvSource, chosen: CsvDelimiter | undefined): CsvSource {
  const sep = sepLine(source.sample);
  if (!sep) return source;
  const text = async function* (): AsyncGenerator<string> {
    let first = true;
    for await (const chunk of source.text) {
      // The sample is the start of this first piece, decoded the same way (byte order mark included or not).
      yield first ? chunk.slice(sep.length) : chunk;
      first = false;
    }
  };
  const sample = source.sample.slice(sep.length);
  return { ...source, text: text(), sample, delimiter: chosen ?? sep.delimiter, skippedLines: 1 };
}

const ENCODING_NAMES: Readonly<Record<CsvEncoding, string>> = {
  'utf-8': 'UTF-8',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  'windows-1252': 'Windows-1252',
};

/** The file has a byte its encoding does not allow; the import stops and says where. */
export class InvalidEncoding extends Error {
  constructor(encoding: CsvEncoding, offset: number) {
    const hint =
      encoding === 'utf-8'
        ? 'it may be Windows-1252 (what Excel on Windows saves as CSV): choose that encoding and check again'
        : 'choose the encoding it was saved in and check again';
    super(`the file is not valid ${ENCODING_NAMES[encoding]} (from byte ${offset.toLocaleString('en')} on); ${hint}`);
    this.name = 'InvalidEncoding';
  }
}

/** The file is another kind of file (a workbook, a PDF): nothing in it is read. */
export class NotCsvFile extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotCsvFile';
  }
}

type Chunk = Buffer | string;

/** Opens a source of bytes (a file, an upload) or of text (the JSON operation) as CSV text. */
export async function openCsvSource(
  source: AsyncIterable<Chunk>,
  options: { encoding?: CsvEncoding | undefined; delimiter?: CsvDelimiter | undefined },
): Promise<CsvSource> {
  const iterator = source[Symbol.asyncIterator]();
  const head: Chunk[] = [];
  let size = 0;
  let ended = false;
  while (size < SNIFF_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      ended = true;
      break;
    }
    head.push(next.value);
    size += next.value.length;
  }
  const rest = async function* (): AsyncGenerator<Chunk> {
    if (ended) return;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
  };

  if (head.length === 0 || typeof head[0] === 'string') {
    const first = head.join('');
    const sample = completeLines(first, ended);
    const text = async function* (): AsyncGenerator<string> {
      yield first;
      for await (const chunk of rest()) yield String(chunk);
    };
    return withoutSepLine({ text: text(), encoding: null, delimiter: options.delimiter ?? detectDelimiter(sample), sample, skippedLines: 0 }, options.delimiter);
  }

  const first = Buffer.concat(head as Buffer[]);
  const notCsv = notCsvReason(first);
  if (notCsv !== null) throw new NotCsvFile(notCsv);
  const encoding = options.encoding ?? detectEncoding(first.subarray(0, SNIFF_BYTES)).encoding;
  // Looked at leniently; the text the import reads is decoded strictly below.
  const sample = completeLines(decodeCsvBytes(first.subarray(0, SNIFF_BYTES), encoding, !ended), ended);
  const text = async function* (): AsyncGenerator<string> {
    if (encoding === 'windows-1252') {
      // One byte, one character: every byte is valid and no chunk boundary cuts a character.
      yield decodeWindows1252(first);
      for await (const chunk of rest()) yield decodeWindows1252(chunk as Buffer);
      return;
    }
    const decoder = new TextDecoder(encoding, { fatal: true });
    let offset = 0;
    const decode = (bytes?: Buffer) => {
      try {
        return bytes ? decoder.decode(bytes, { stream: true }) : decoder.decode();
      } catch {
        throw new InvalidEncoding(encoding, offset);
      }
    };
    yield decode(first);
    offset += first.length;
    for await (const chunk of rest()) {
      yield decode(chunk as Buffer);
      offset += chunk.length;
    }
    yield decode();
  };
  return withoutSepLine({ text: text(), encoding, delimiter: options.delimiter ?? detectDelimiter(sample), sample, skippedLines: 0 }, options.delimiter);
}
