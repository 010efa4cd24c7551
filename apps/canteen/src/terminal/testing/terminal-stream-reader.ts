/** A terminal's live stream (GET /terminal/stream) read as text, for the e2e tests. */
export interface TerminalStreamReader {
  status: number;
  contentType: string | null;
  /** Reads until `needle` matches what was read since the last clear(); throws with the text after `ms`. */
  until(needle: RegExp, ms?: number): Promise<string>;
  /** Everything read since the last clear(), after reading for `ms` more. */
  during(ms: number): Promise<string>;
  clear(): void;
  close(): Promise<void>;
}

export async function openTerminalStream(baseUrl: string, token: string): Promise<TerminalStreamReader> {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/terminal/stream`, { headers: { Authorization: `Bearer ${token}` }, signal: controller.signal });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let text = '';
  const readFor = async (ms: number, done: (read: string) => boolean): Promise<string> => {
    const deadline = Date.now() + ms;
    while (!done(text)) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const chunk = await Promise.race([reader.read(), new Promise<null>((r) => setTimeout(() => r(null), left))]);
      if (chunk && !chunk.done) text += decoder.decode(chunk.value, { stream: true });
    }
    return text;
  };
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    async until(needle, ms = 3000) {
      const read = await readFor(ms, (t) => needle.test(t));
      if (!needle.test(read)) throw new Error(`stream did not contain ${needle} within ${ms} ms; got ${read}`);
      return read;
    },
    during: (ms) => readFor(ms, () => false),
    clear() {
      text = '';
    },
    async close() {
      controller.abort();
      await reader.cancel().catch(() => undefined);
    },
  };
}
