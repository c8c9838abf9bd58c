/** Bytes `text` takes in UTF-8: what IRC lines and Matrix events are limited in ("é" is 2, "😀" is 4). */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}
