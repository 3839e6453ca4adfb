/**
 * The envelope of the engine's JSON data files (a workspace's recall lexicon, its phrase memory):
 * `{"format": ..., "formatVersion": ..., ...body}`, so that a file of another kind or version is refused by name.
 */
export function encodeVersionedJson(format: string, version: number, body: Record<string, unknown>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ format, formatVersion: version, ...body }));
}

/**
 * The body of a file written by encodeVersionedJson; throws an Error naming the file (`what`, e.g. "the recall
 * file") when it is not JSON, or not that format and version.
 */
export function decodeVersionedJson(bytes: Uint8Array, format: string, version: number, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new Error(`${what} is not valid JSON`);
  }
  const file = value as { format?: unknown; formatVersion?: unknown } | null;
  if (file?.format !== format || file.formatVersion !== version) throw new Error(`${what} is not ${format} version ${version}`);
  return file as Record<string, unknown>;
}
