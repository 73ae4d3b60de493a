/** pino-roll ships no types: the options Stockfeed uses, and the part of the stream it returns that we call. */
declare module 'pino-roll' {
  type PinoRollOptions = {
    file: string;
    size?: string | number;
    extension?: string;
    mkdir?: boolean;
    mode?: number;
    sync?: boolean;
    limit?: { count?: number; removeOtherLogFiles?: boolean };
  };

  /** A SonicBoom stream writing the current file. */
  export type RollStream = {
    write(chunk: string): boolean;
    flush(callback?: (error?: Error) => void): void;
    end(): void;
    on(event: 'error' | 'close' | 'cleanup-complete' | 'ready', listener: (...args: unknown[]) => void): void;
    once(event: 'error' | 'close' | 'cleanup-complete' | 'ready', listener: (...args: unknown[]) => void): void;
  };

  export default function pinoRoll(options: PinoRollOptions): Promise<RollStream>;
}
