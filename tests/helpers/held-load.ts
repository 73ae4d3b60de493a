/** A cache load the test finishes by hand, answering `value` for every key it was given. */
export function heldLoad(value: number) {
  const calls: string[][] = [];
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const load = async (missing: string[]) => {
    calls.push(missing);
    await gate;
    return new Map(missing.map((k) => [k, value]));
  };
  return { calls, load, release: () => release() };
}
