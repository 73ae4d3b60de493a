// The little of autocannon's programmatic API the serve benchmark uses (the package ships no types).
declare module 'autocannon' {
  type Histogram = { average: number; p50: number; p90: number; p99: number; max: number; total?: number };
  type Request = { method?: string; path: string; headers?: Record<string, string> };
  type Options = { url: string; connections?: number; duration?: number; pipelining?: number; headers?: Record<string, string>; requests?: Request[] };
  type Result = { requests: Histogram; latency: Histogram; errors: number; timeouts: number; non2xx: number; duration: number };
  export default function autocannon(options: Options): Promise<Result>;
}
