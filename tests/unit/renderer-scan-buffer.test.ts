import { describe, expect, it } from 'vitest';
import { createScanBuffer, createScanDetector, isCodeNotQuantity, type ScanClock } from '../../renderer/src/scan-buffer';

/** A clock the test moves by hand; timers fire in time order as it passes them. */
function fakeClock() {
  let now = 0;
  let nextId = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  const clock: ScanClock = {
    now: () => now,
    setTimeout(run, ms) {
      const id = nextId++;
      timers.set(id, { at: now + ms, run });
      return id;
    },
    clearTimeout(handle) {
      timers.delete(handle as number);
    },
  };
  function advance(ms: number): void {
    const until = now + ms;
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].run();
    }
    now = until;
  }
  return { clock, advance, get now() {
    return now;
  } };
}

/** Types `text` one key every `gapMs`, as a scanner (5 ms) or a person (150 ms) would. */
function typeInto(buffer: { key(char: string, at?: number): void }, time: ReturnType<typeof fakeClock>, text: string, gapMs: number): void {
  for (const char of text) {
    buffer.key(char, time.now);
    time.advance(gapMs);
  }
}

function setup(handle?: (code: string) => Promise<void> | void) {
  const time = fakeClock();
  const codes: string[] = [];
  const buffer = createScanBuffer({
    clock: time.clock,
    handle: handle ?? ((code) => void codes.push(code)),
  });
  return { time, codes, buffer };
}

describe('the scan buffer', () => {
  it('ends a code on Enter or Tab, and hands the codes on in order', async () => {
    const { time, codes, buffer } = setup();
    typeInto(buffer, time, '4006381333931', 5);
    expect(buffer.end()).toBe(true);
    typeInto(buffer, time, 'MUG-1', 5);
    expect(buffer.end()).toBe(true);
    await buffer.idle();
    expect(codes).toEqual(['4006381333931', 'MUG-1']);
    expect(buffer.text).toBe('');
  });

  it('answers false for Enter or Tab on an empty field (Tab then moves the focus as usual)', () => {
    const { buffer } = setup();
    expect(buffer.end()).toBe(false);
    buffer.edit('   ');
    expect(buffer.end()).toBe(false);
  });

  it('splits two scans sent without Enter at the pause between them', async () => {
    const { time, codes, buffer } = setup();
    typeInto(buffer, time, '4006381333931', 5);
    time.advance(300);
    typeInto(buffer, time, 'PLATE-2', 5);
    time.advance(300);
    await buffer.idle();
    expect(codes).toEqual(['4006381333931', 'PLATE-2']);
  });

  it('waits the whole pause: a scanner that lags for a moment inside a code is not cut', async () => {
    const { time, codes, buffer } = setup();
    typeInto(buffer, time, '400638', 5);
    time.advance(150);
    typeInto(buffer, time, '1333931', 5);
    // typeInto waited 5 ms after the last key: 190 more is 195 ms of silence.
    time.advance(190);
    expect(codes).toEqual([]);
    time.advance(10);
    await buffer.idle();
    expect(codes).toEqual(['4006381333931']);
  });

  it('once the scanner has ended a code with Enter, waits a whole second before a pause ends one: a busy page never cuts a code in two', async () => {
    const { time, codes, buffer } = setup();
    typeInto(buffer, time, 'MUG-1', 5);
    buffer.end();
    // The page held the keys back for 600 ms in the middle of the next code: still one code.
    typeInto(buffer, time, '400638', 5);
    time.advance(600);
    typeInto(buffer, time, '1333931', 5);
    expect(buffer.end()).toBe(true);
    await buffer.idle();
    expect(codes).toEqual(['MUG-1', '4006381333931']);
    // Without its Enter, a code still ends after a second of quiet (a scanner switched to no suffix).
    typeInto(buffer, time, 'PLATE-2', 5);
    time.advance(900);
    expect(buffer.text).toBe('PLATE-2');
    time.advance(200);
    await buffer.idle();
    expect(codes).toEqual(['MUG-1', '4006381333931', 'PLATE-2']);
  });

  it('waits longer for a scanner that types slowly: its pause is several of its own gaps', async () => {
    const { time, codes, buffer } = setup();
    // 30 ms a key: its pause is 240 ms, so a 220 ms hiccup does not end the code.
    typeInto(buffer, time, '4006381', 30);
    time.advance(190);
    typeInto(buffer, time, '333931', 30);
    expect(codes).toEqual([]);
    time.advance(400);
    await buffer.idle();
    expect(codes).toEqual(['4006381333931']);
  });

  it('takes the late Enter or Tab of a code the pause already ended as its end, not as a second action', async () => {
    const { time, codes, buffer } = setup();
    typeInto(buffer, time, '4006381333931', 5);
    time.advance(300);
    expect(buffer.end()).toBe(true);
    await buffer.idle();
    expect(codes).toEqual(['4006381333931']);
    // Later, an Enter on the empty field is the person's again.
    time.advance(2000);
    expect(buffer.end()).toBe(false);
  });

  it('never ends a person’s slow typing on a pause, however long they think', async () => {
    const { time, codes, buffer } = setup();
    typeInto(buffer, time, 'MUG', 180);
    time.advance(4000);
    typeInto(buffer, time, '-BLUE-1', 120);
    time.advance(10_000);
    expect(codes).toEqual([]);
    expect(buffer.text).toBe('MUG-BLUE-1');
    buffer.end();
    await buffer.idle();
    expect(codes).toEqual(['MUG-BLUE-1']);
  });

  it('does not take two quick keys of a person (key rollover) for a scan', () => {
    const { time, codes, buffer } = setup();
    typeInto(buffer, time, 'ab', 8);
    time.advance(1000);
    expect(codes).toEqual([]);
    expect(buffer.text).toBe('ab');
  });

  it('leaves an edited text to the person (a backspace mid-scan, a paste) until Enter', async () => {
    const { time, codes, buffer } = setup();
    typeInto(buffer, time, '4006381333931', 5);
    buffer.edit('400638133393');
    time.advance(1000);
    expect(codes).toEqual([]);
    buffer.edit('4006381333948');
    time.advance(1000);
    expect(codes).toEqual([]);
    buffer.end();
    await buffer.idle();
    expect(codes).toEqual(['4006381333948']);
  });

  it('keeps every key that arrives while a lookup runs, and hands the next codes on after it', async () => {
    let finishLookup: () => void = () => undefined;
    const handled: string[] = [];
    const { time, buffer } = setup(async (code) => {
      handled.push(`start ${code}`);
      if (code === 'A-0001') await new Promise<void>((resolve) => (finishLookup = resolve));
      handled.push(`done ${code}`);
    });
    typeInto(buffer, time, 'A-0001', 5);
    buffer.end();
    // While A is being looked up, B arrives with Enter and C without.
    typeInto(buffer, time, 'B-0002', 5);
    buffer.end();
    typeInto(buffer, time, 'C-00', 5);
    expect(buffer.text).toBe('C-00');
    typeInto(buffer, time, '03', 5);
    // This scanner ended its first codes with Enter, so a pause ends a code only after a second.
    time.advance(1_000);
    expect(buffer.queue).toEqual(['A-0001', 'B-0002', 'C-0003']);
    expect(handled).toEqual(['start A-0001']);
    finishLookup();
    await buffer.idle();
    expect(handled).toEqual(['start A-0001', 'done A-0001', 'start B-0002', 'done B-0002', 'start C-0003', 'done C-0003']);
    expect(buffer.queue).toEqual([]);
  });

  it('goes on with the next code when handling one fails', async () => {
    const errors: string[] = [];
    const handled: string[] = [];
    const time = fakeClock();
    const buffer = createScanBuffer({
      clock: time.clock,
      handle: (code) => {
        if (code === 'BAD-1') throw new Error('lookup failed');
        handled.push(code);
      },
      onError: (code) => errors.push(code),
    });
    buffer.push('BAD-1');
    buffer.push(' GOOD-2 ');
    buffer.push('  ');
    await buffer.idle();
    expect(errors).toEqual(['BAD-1']);
    expect(handled).toEqual(['GOOD-2']);
  });

  it('30 codes at scanner speed, each with Enter, are 30 codes', async () => {
    const { time, codes, buffer } = setup();
    const sent = Array.from({ length: 30 }, (_, i) => `SKU-${String(i).padStart(3, '0')}`);
    for (const code of sent) {
      typeInto(buffer, time, code, 5);
      buffer.end();
    }
    await buffer.idle();
    expect(codes).toEqual(sent);
  });
});

describe('the scan detector of another field (the quantity)', () => {
  function detector() {
    const time = fakeClock();
    const scans: Array<{ code: string; restore: string }> = [];
    const d = createScanDetector({ clock: time.clock, onScan: (code, restore) => scans.push({ code, restore }) });
    let value = '1';
    function type(text: string, gapMs: number): void {
      for (const char of text) {
        d.key(char, time.now, value);
        value += char;
        time.advance(gapMs);
      }
    }
    return { time, scans, d, type, setValue: (v: string) => (value = v) };
  }

  it('leaves a quantity a person types to the field', () => {
    const { d, type } = detector();
    type('12', 140);
    expect(d.end()).toBeNull();
  });

  it('takes a scan ended by Enter out of the field, with the value to put back', () => {
    const { d, type, setValue } = detector();
    setValue('5');
    type('4006381333931', 5);
    expect(d.end()).toEqual({ code: '4006381333931', restore: '5' });
    // The field is the person's again.
    type('7', 5);
    expect(d.end()).toBeNull();
  });

  it('takes a scan without Enter out of the field after the pause', () => {
    const { time, scans, type, setValue } = detector();
    setValue('');
    type('MUG-BLUE-1', 5);
    time.advance(250);
    expect(scans).toEqual([{ code: 'MUG-BLUE-1', restore: '' }]);
  });

  it('keeps a scan whole when a late key carries a time past the pause the page never saw', () => {
    const { time, d } = detector();
    for (const [i, char] of [...'4006381'].entries()) d.key(char, time.now + i * 5, i === 0 ? '1' : '4006381'.slice(0, i));
    // The page was busy: the next keys are handled now, stamped 300 ms after the last one.
    for (const [i, char] of [...'333931'].entries()) d.key(char, time.now + 330 + i * 5, 'x');
    expect(d.end()).toEqual({ code: '4006381333931', restore: '1' });
  });

  it('swallows the late Enter of a scan the pause took out, so it cannot submit the quantity', () => {
    const { time, scans, d, type } = detector();
    type('MUG-BLUE-1', 5);
    time.advance(300);
    expect(scans).toHaveLength(1);
    expect(d.end()).toBe('late');
    expect(d.end()).toBeNull();
  });

  it('does not count what a person typed before the scan as part of it', () => {
    const { time, d, type, setValue } = detector();
    setValue('');
    type('3', 0);
    time.advance(800);
    type('PLATE-2', 5);
    expect(d.end()).toEqual({ code: 'PLATE-2', restore: '3' });
  });
});

describe('a quantity or a code', () => {
  it('takes whole numbers up to seven digits as quantities, anything longer or not a number as a code', () => {
    expect(['1', '12', '-3', '−3', '+5', '1000000', ' 42 ', 'ab', '1.5'].map((text) => isCodeNotQuantity(text))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(['12345678', '4006381333931', 'BOWL-3', 'MUG-BLUE-1'].map((text) => isCodeNotQuantity(text))).toEqual([true, true, true, true]);
    // Grouped the shop's way, a quantity stays a quantity; a code stays a code in any locale.
    expect(isCodeNotQuantity('1.200', 'de-DE')).toBe(false);
    expect(isCodeNotQuantity('1,200', 'en-US')).toBe(false);
    expect(isCodeNotQuantity('4006381333931', 'de-DE')).toBe(true);
    expect(isCodeNotQuantity('MUG-BLUE-1', 'de-DE')).toBe(true);
  });
});
